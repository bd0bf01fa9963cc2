using System.Diagnostics;

namespace Denoise.Tests.IO;

/// <summary>
/// Makes a folder read-only for the duration of a test, also for root, who ignores permission bits: chmod 555, and
/// when the process can still write there, chattr +i (immutable; needs root and a file system that supports it).
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    /// <summary>Null when read-only folders can be made here, else why not (the reason a test is skipped with).</summary>
    public static string? Unavailable { get; } = Probe();

    readonly string _path;
    readonly bool _immutable;

    public ReadOnlyFolder(string path)
    {
        _path = path;
        Run("chmod", "555", path);
        _immutable = CanWrite(path) && Run("chattr", "+i", path);
        if (CanWrite(path))
            throw new InvalidOperationException($"{path} is still writable: {Unavailable}");
    }

    public void Dispose()
    {
        if (_immutable)
            Run("chattr", "-i", _path);
        Run("chmod", "755", _path);
    }

    static string? Probe()
    {
        var folder = Directory.CreateTempSubdirectory("denoise-readonly-probe-").FullName;
        try
        {
            using (new ReadOnlyFolder(folder)) { }
            return null;
        }
        catch (InvalidOperationException)
        {
            return "this user can write into a chmod 555 folder and chattr +i is not available here (root on a file system without immutable files)";
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static bool CanWrite(string folder)
    {
        var probe = Path.Combine(folder, "probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    static bool Run(string tool, string argument, string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(tool, [argument, path]) { RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>A fact that needs a read-only folder; skipped, with the reason, where none can be made.</summary>
public sealed class ReadOnlyFolderFactAttribute : FactAttribute
{
    public ReadOnlyFolderFactAttribute()
    {
        if (ReadOnlyFolder.Unavailable is { } reason)
            Skip = reason;
    }
}
