using Denoise.Data;

namespace Denoise.Tests;

/// <summary>
/// The namespaces of lib/ depend one way, in the order docs/architecture.md documents: the test reads the table under
/// its "Dependencies" heading (namespace, what it holds, what it uses) and every source file under lib/.
/// </summary>
public sealed class NamespaceDependencyTests
{
    private static readonly string Root = DataFolder.FindRepoRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no repository above {AppContext.BaseDirectory}");

    private static readonly Lazy<NamespaceGraph> Code = new(() => NamespaceGraph.ReadFolder(Path.Combine(Root, "lib")));

    private static readonly Lazy<IReadOnlyList<(string Namespace, IReadOnlySet<string> Uses)>> Documented =
        new(() => ReadTable(File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"))));

    [Fact]
    public void The_namespaces_of_lib_have_no_cycle()
    {
        var cycle = Code.Value.FindCycle();
        Assert.True(cycle is null, cycle is null ? "" : "namespaces use each other in a circle: " + string.Join(" → ", cycle.Select(
            (n, i) => i + 1 < cycle.Count ? $"{n} ({Code.Value.Uses[n][cycle[i + 1]]})" : n)));
    }

    [Fact]
    public void Every_namespace_uses_only_namespaces_documented_above_it()
    {
        var order = Documented.Value.Select(d => d.Namespace).ToList();
        var wrong = Code.Value.Uses
            .Where(u => order.Contains(u.Key))
            .SelectMany(u => u.Value.Where(used => !order.Contains(used.Key) || order.IndexOf(used.Key) > order.IndexOf(u.Key))
                .Select(used => $"{u.Key} uses {used.Key}, a later row of the table in docs/architecture.md, i.e. a higher layer ({used.Value})"))
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_documented_table_lists_every_namespace_and_exactly_what_it_uses()
    {
        var documented = Documented.Value.ToDictionary(d => d.Namespace, d => d.Uses);
        var problems = new List<string>();
        foreach (var (ns, uses) in Code.Value.Uses.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            if (!documented.TryGetValue(ns, out var listed))
            {
                problems.Add($"{ns} is not in the table of docs/architecture.md; add its row where it belongs");
                continue;
            }

            problems.AddRange(uses.Keys.Where(u => !listed.Contains(u))
                .Select(u => $"{ns} uses {u} ({uses[u]}), which the table does not list"));
            problems.AddRange(listed.Where(u => !uses.ContainsKey(u))
                .Select(u => $"the table says {ns} uses {u}, which its code does not"));
        }

        problems.AddRange(documented.Keys.Where(d => !Code.Value.Uses.ContainsKey(d))
            .Select(d => $"the table lists {d}, which no file under lib/ declares"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Namespaces_mirror_folders()
    {
        var wrong = Code.Value.Declarations.Where(d => d.Declared != d.Folder)
            .Select(d => $"{d.Path} declares {d.Declared} but its folder says {d.Folder}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_reader_finds_usings_and_qualified_names_but_not_comments_or_strings()
    {
        // Low through a using, Other through a name qualified from Denoise, Third through a cref, Fifth in an
        // interpolation hole; Fourth only in prose, a comment and strings.
        var graph = NamespaceGraph.FromSources(
        [
            new("a.cs", "Denoise.Low", "namespace Denoise.Low;\npublic sealed class Helper { }\n"),
            new("b.cs", "Denoise.Other", "namespace Denoise.Other;\npublic enum Thing { One }\n"),
            new("c.cs", "Denoise.Third", "namespace Denoise.Third;\npublic sealed class Tool { }\n"),
            new("d.cs", "Denoise.Fourth", "namespace Denoise.Fourth;\npublic sealed class Gadget { }\n"),
            new("f.cs", "Denoise.Fifth", "namespace Denoise.Fifth;\npublic static class Names { }\n"),
            new("e.cs", "Denoise.High",
                """
                using static Denoise.Low.Helper;

                namespace Denoise.High;

                /// <summary>Mentions Denoise.Fourth.Gadget in prose only; links <see cref="Denoise.Third.Tool"/>.</summary>
                public sealed class User
                {
                    private readonly object thing = Other.Thing.One;   // Denoise.Fourth.Gadget, in a comment
                    private readonly string text = "Denoise.Fourth.Gadget // not code";
                    private readonly string hole = $"{Denoise.Fifth.Names.First} and Denoise.Fourth";
                }
                """),
        ]);

        Assert.Equal(["Denoise.Fifth", "Denoise.Low", "Denoise.Other", "Denoise.Third"], graph.Uses["Denoise.High"].Keys.Order());
        Assert.Equal("e.cs: using static Denoise.Low.Helper;", graph.Uses["Denoise.High"]["Denoise.Low"].ToString());
        Assert.Empty(graph.Uses["Denoise.Low"]);
        Assert.Null(graph.FindCycle());
    }

    [Fact]
    public void The_reader_reports_a_cycle_through_a_qualified_name()
    {
        var graph = NamespaceGraph.FromSources(
        [
            new("a.cs", "Denoise.A", "using Denoise.B;\n\nnamespace Denoise.A;\npublic sealed class First { }\n"),
            new("b.cs", "Denoise.B", "namespace Denoise.B;\npublic sealed class Second { object x = A.First.Make(); }\n"),
        ]);

        Assert.Equal(["Denoise.A", "Denoise.B", "Denoise.A"], graph.FindCycle());
    }

    /// <summary>The rows of the table under "## Dependencies": each namespace with the set of namespaces it uses.</summary>
    private static List<(string Namespace, IReadOnlySet<string> Uses)> ReadTable(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var heading = lines.IndexOf("## Dependencies");
        Assert.True(heading >= 0, "docs/architecture.md has no '## Dependencies' section");
        var header = lines.FindIndex(heading, l => l.StartsWith("| namespace |", StringComparison.Ordinal));
        Assert.True(header >= 0, "docs/architecture.md: no '| namespace | holds | uses |' table under '## Dependencies'");
        var rows = new List<(string, IReadOnlySet<string>)>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            Assert.True(cells.Length == 3, $"docs/architecture.md: a dependency row needs three cells: {line}");
            var uses = cells[2] == "–" ? [] : cells[2].Split(',').Select(u => "Denoise." + u.Trim().Trim('`')).ToHashSet();
            rows.Add((cells[0].Trim('`'), uses));
        }

        Assert.NotEmpty(rows);
        return rows;
    }
}
