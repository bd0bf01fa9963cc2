using System.Text.RegularExpressions;

namespace Denoise.Tests;

/// <summary>
/// Which namespace of the project uses which, read from the C# sources as a reader sees them: <c>using</c> lines
/// (plain, static and aliases), fully qualified names (<c>Denoise.Metrics.ImageMetrics</c>), names qualified from an
/// enclosing namespace (<c>Metrics.ImageMetrics</c> inside <c>Denoise.Models</c>) and <c>cref</c> links. Other
/// comments and string literals are not references. A file without a namespace (top-level statements) belongs to the
/// namespace of its folder.
/// </summary>
internal sealed partial class NamespaceGraph
{
    /// <summary>One source file: its path (for messages), the folder namespace it should declare, and its text.</summary>
    public sealed record Source(string Path, string FolderNamespace, string Text);

    /// <summary>What made a namespace use another: the file and the text that names it.</summary>
    public sealed record Evidence(string Path, string Text)
    {
        public override string ToString() => $"{Path}: {Text}";
    }

    private NamespaceGraph(IReadOnlyDictionary<string, IReadOnlyDictionary<string, Evidence>> uses,
        IReadOnlyList<(string Path, string Declared, string Folder)> declarations)
    {
        Uses = uses;
        Declarations = declarations;
    }

    /// <summary>Every namespace, with each namespace it uses (never itself) and the first evidence found.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Evidence>> Uses { get; }

    /// <summary>Each file's declared namespace beside the one its folder gives.</summary>
    public IReadOnlyList<(string Path, string Declared, string Folder)> Declarations { get; }

    /// <summary>The graph of the .cs files under <paramref name="libFolder"/> (build output excluded).</summary>
    public static NamespaceGraph ReadFolder(string libFolder)
    {
        var sources = Directory.EnumerateFiles(libFolder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(System.IO.Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var folder = System.IO.Path.GetRelativePath(libFolder, System.IO.Path.GetDirectoryName(path)!);
                return new Source(System.IO.Path.GetRelativePath(System.IO.Path.GetDirectoryName(libFolder)!, path),
                    folder.Replace(System.IO.Path.DirectorySeparatorChar, '.'), File.ReadAllText(path));
            });
        return FromSources(sources);
    }

    public static NamespaceGraph FromSources(IEnumerable<Source> sources)
    {
        var files = sources.Select(source =>
        {
            var crefs = Cref().Matches(source.Text).Select(m => m.Groups[1].Value).ToList();
            // Comments and the text of string literals go (read together, so that "//" in a string is no comment);
            // an interpolated string keeps the code in its holes.
            var code = CommentOrString().Replace(source.Text, m => m.Value[0] switch
            {
                '$' => string.Join(' ', Hole().Matches(m.Value).Select(h => h.Groups[1].Value)),
                '"' or '@' => "\"\"",
                _ => " ",
            });
            var declared = NamespaceDeclaration().Match(code) is { Success: true } match ? match.Groups[1].Value : null;
            return (source, code, crefs, declared, Namespace: declared ?? source.FolderNamespace);
        }).ToList();

        var types = files
            .SelectMany(f => TypeDeclaration().Matches(f.code).Select(m => (f.Namespace, Type: m.Groups[1].Value)))
            .ToLookup(t => t.Namespace, t => t.Type);
        var known = files.Select(f => f.Namespace).ToHashSet();

        var uses = known.ToDictionary(n => n, _ => new Dictionary<string, Evidence>());
        foreach (var (source, code, crefs, _, ns) in files)
        {
            void Add(string? used, string text)
            {
                if (used is not null && used != ns)
                    uses[ns].TryAdd(used, new Evidence(source.Path, text.Trim()));
            }

            foreach (Match m in UsingDirective().Matches(code))
                Add(Owner(known, m.Groups[1].Value), m.Value);

            var body = UsingDirective().Replace(NamespaceDeclaration().Replace(code, ""), "");
            foreach (var text in crefs.Prepend(body))
            {
                foreach (Match m in QualifiedName().Matches(text))
                    Add(Owner(known, m.Value), m.Value);

                // Names qualified from an enclosing namespace: inside Denoise.Models, "Metrics.ImageMetrics".
                var parts = ns.Split('.');
                for (var depth = 1; depth <= parts.Length; depth++)
                {
                    var enclosing = string.Join('.', parts.Take(depth)) + ".";
                    foreach (var other in known.Where(k => k.StartsWith(enclosing, StringComparison.Ordinal)))
                    {
                        var relative = Regex.Escape(other[enclosing.Length..]);
                        foreach (var type in types[other])
                        {
                            if (Regex.Match(text, $@"(?<![\w.]){relative}\.{type}\b") is { Success: true } hit)
                                Add(other, hit.Value);
                        }
                    }
                }
            }
        }

        return new NamespaceGraph(
            uses.ToDictionary(u => u.Key, u => (IReadOnlyDictionary<string, Evidence>)u.Value),
            [.. files.Where(f => f.declared is not null).Select(f => (f.source.Path, f.declared!, f.source.FolderNamespace))]);
    }

    /// <summary>A cycle of namespaces (first = last), or null when they depend one way.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var state = Uses.Keys.ToDictionary(n => n, _ => 0);   // 0 unseen, 1 on the path, 2 done
        var path = new List<string>();

        List<string>? Visit(string n)
        {
            state[n] = 1;
            path.Add(n);
            foreach (var next in Uses[n].Keys.Order(StringComparer.Ordinal))
            {
                if (state[next] == 1)
                    return [.. path.SkipWhile(p => p != next), next];
                if (state[next] == 0 && Visit(next) is { } cycle)
                    return cycle;
            }

            path.RemoveAt(path.Count - 1);
            state[n] = 2;
            return null;
        }

        foreach (var n in Uses.Keys.Order(StringComparer.Ordinal))
            if (state[n] == 0 && Visit(n) is { } cycle)
                return cycle;
        return null;
    }

    /// <summary>The longest known namespace that <paramref name="name"/> is or starts with.</summary>
    private static string? Owner(IEnumerable<string> known, string name) =>
        known.Where(k => name == k || name.StartsWith(k + ".", StringComparison.Ordinal)).MaxBy(k => k.Length);

    [GeneratedRegex(@"\$?@?""(?:\\.|[^""\\\n])*""|//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();

    [GeneratedRegex(@"(?<!\{)\{([^{}]+)\}")]
    private static partial Regex Hole();

    [GeneratedRegex(@"cref=""([^""]+)""")]
    private static partial Regex Cref();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(Denoise(?:\.\w+)*)[^;\n]*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])Denoise(?:\.\w+)+")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"\b(?:class|record|struct|enum|interface)\s+(\w+)")]
    private static partial Regex TypeDeclaration();
}
