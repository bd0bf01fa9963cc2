namespace Denoise.Cli;

/// <summary>Checks on the file a verb writes.</summary>
internal static class OutputFile
{
    /// <summary>Refuses an --output that is the file the verb reads (<paramref name="what"/> names it), before anything is read.</summary>
    public static string Beside(string output, string input, string what) =>
        Path.GetFullPath(output) == Path.GetFullPath(input)
            ? throw new ArgumentException($"--output {output} is the {what} itself; give another file name")
            : output;
}
