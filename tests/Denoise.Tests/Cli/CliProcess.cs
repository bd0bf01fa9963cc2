using System.Diagnostics;
using System.Globalization;

namespace Denoise.Tests.Cli;

/// <summary>
/// Runs the real `denoise` command line in a process of its own, to measure what the process as a whole takes: its
/// peak resident memory is the child's ru_maxrss from getrusage, which a two-line Python wrapper reads (.NET reaps its
/// children itself, so a test cannot wait for one and get its usage).
/// </summary>
internal static class CliProcess
{
    private const string Python = "/usr/bin/python3";

    private const string Wrapper = """
        import resource, subprocess, sys
        code = subprocess.run(sys.argv[2:]).returncode
        open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
        sys.exit(code)
        """;

    /// <summary>Exit code, what it printed, and its peak resident memory in bytes.</summary>
    public static (int Exit, string Output, string Error, long PeakBytes) Run(params string[] args)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; ./build.sh setup installs it");
        var folder = Directory.CreateTempSubdirectory("denoise-cli-").FullName;
        try
        {
            var (script, peak) = (Path.Combine(folder, "peak.py"), Path.Combine(folder, "peak"));
            File.WriteAllText(script, Wrapper);
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            var cli = Path.Combine(AppContext.BaseDirectory, "Denoise.Cli.dll");
            using var process = Process.Start(new ProcessStartInfo(Python, [script, peak, dotnet, cli, .. args])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            // Linux reports ru_maxrss in kilobytes.
            var kilobytes = long.Parse(File.ReadAllText(peak), CultureInfo.InvariantCulture);
            return (process.ExitCode, output.Result, error, kilobytes * 1024);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
