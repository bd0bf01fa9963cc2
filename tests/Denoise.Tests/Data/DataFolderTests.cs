using Denoise.Data;

namespace Denoise.Tests.Data;

public sealed class DataFolderTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Environment_value_wins_over_the_repository()
    {
        File.WriteAllText(_temp.File(DataFolder.RepoMarker), "");

        Assert.Equal(_temp.File("elsewhere"), DataFolder.Resolve(_temp.File("elsewhere"), _temp.Path));
    }

    [Fact]
    public void Nearest_ancestor_with_the_solution_file_gives_its_data_folder()
    {
        File.WriteAllText(_temp.File(DataFolder.RepoMarker), "");
        var deep = Directory.CreateDirectory(_temp.File("a", "b", "c")).FullName;

        Assert.Equal(_temp.File("data"), DataFolder.Resolve(null, deep));
        Assert.Equal(_temp.Path, DataFolder.FindRepoRoot(deep));
    }

    [Fact]
    public void Second_search_start_is_used_when_the_first_is_outside_any_repository()
    {
        var outside = Directory.CreateDirectory(_temp.File("outside")).FullName;
        var repo = Directory.CreateDirectory(_temp.File("repo", "bin")).FullName;
        File.WriteAllText(_temp.File("repo", DataFolder.RepoMarker), "");

        Assert.Equal(_temp.File("repo", "data"), DataFolder.Resolve("", outside, repo));
    }
}
