namespace Denoise.Data;

/// <summary>Finds the data folder: $DENOISE_DATA if set, else &lt;repo&gt;/data, else ./data.</summary>
public static class DataFolder
{
    /// <summary>The environment variable that overrides the data folder.</summary>
    public const string EnvironmentVariable = "DENOISE_DATA";

    /// <summary>The file that marks the repository root.</summary>
    public const string RepoMarker = "Denoise.slnx";

    /// <summary>
    /// $DENOISE_DATA if set; else the "data" folder of the nearest ancestor of the current directory, or of the
    /// application's base directory, that contains Denoise.slnx; else "data" under the current directory. Always a full path.
    /// </summary>
    public static string Resolve() => Resolve(
        Environment.GetEnvironmentVariable(EnvironmentVariable),
        Directory.GetCurrentDirectory(),
        AppContext.BaseDirectory);

    /// <summary>The resolution rule with its inputs made explicit (testable without touching the process state).</summary>
    public static string Resolve(string? environmentValue, params string[] searchStarts)
    {
        if (!string.IsNullOrWhiteSpace(environmentValue))
            return Path.GetFullPath(environmentValue);
        var repo = searchStarts.Select(FindRepoRoot).FirstOrDefault(r => r is not null);
        return Path.GetFullPath(Path.Combine(repo ?? Directory.GetCurrentDirectory(), "data"));
    }

    /// <summary>Throws when the data folder is a file (a slip in $DENOISE_DATA or --data-dir); a missing folder is fine, fetch makes it.</summary>
    /// <exception cref="IOException">The path names a file; the message names it and says what to set.</exception>
    public static void CheckNotAFile(string folder)
    {
        if (!Directory.Exists(folder) && File.Exists(folder))
            throw new IOException($"{folder}: the data folder is a file, not a folder - set {EnvironmentVariable} (or --data-dir) to the folder that holds mnist/ and fashion-mnist/");
    }

    /// <summary>The nearest ancestor of <paramref name="start"/> (itself included) that contains Denoise.slnx, or null.</summary>
    public static string? FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, RepoMarker)))
                return dir.FullName;
        return null;
    }
}
