namespace Denoise.Cli;

/// <summary>Checks on the files and folders a verb writes: never one it reads.</summary>
internal static class OutputFile
{
    /// <summary>Refuses an --output that is the file the verb reads (<paramref name="what"/> names it), before anything is read.</summary>
    public static string Beside(string output, string input, string what) =>
        SamePlace(output, input)
            ? throw new ArgumentException($"--output {output} is the {what} itself; give another file name")
            : output;

    /// <summary>
    /// True when the two paths name the same file or folder: the same full path once symbolic links are followed
    /// (a link to an input is the input). Case matters where the file system says so; both compare as given elsewhere.
    /// </summary>
    public static bool SamePlace(string a, string b) => Resolved(a) == Resolved(b);

    /// <summary>The full path with every symbolic link on the way followed (what realpath(3) gives for existing parts).</summary>
    private static string Resolved(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = target.FullName;
        }
        return current;
    }
}
