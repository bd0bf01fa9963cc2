namespace Denoise.Cli.Bench;

/// <summary>The process's peak resident set size from /proc/self/status (Linux), resettable per measurement.</summary>
internal static class PeakMemory
{
    /// <summary>Resets the kernel's high-water mark to the current RSS (writing 5 to clear_refs); false if not allowed.</summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>VmHWM in MiB, or 0 where /proc is not available.</summary>
    public static double PeakMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return 0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
