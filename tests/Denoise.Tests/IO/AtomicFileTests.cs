using Denoise.Data;
using Denoise.Imaging;
using Denoise.IO;
using static TorchSharp.torch;

namespace Denoise.Tests.IO;

[Collection("torch")]
public sealed class AtomicFileTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static readonly byte[] Bytes = [1, 2, 3];

    void AssertNoTempFiles() =>
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp", SearchOption.AllDirectories));

    /// <summary>Runs <paramref name="write"/> on a path below a read-only folder "locked" and returns the folder, the path and what was thrown.</summary>
    (string Folder, string Path, T Error) InReadOnlyFolder<T>(string below, Action<string> write) where T : Exception
    {
        var folder = Directory.CreateDirectory(_temp.File("locked")).FullName;
        var path = System.IO.Path.Combine(folder, below);
        using (new ReadOnlyFolder(folder))
            return (folder, path, Assert.ThrowsAny<T>(() => write(path)));
    }

    [Theory]
    [InlineData("out.png")]
    [InlineData("sub/out.png")]
    public void A_path_below_a_file_names_the_users_path_and_the_file_in_the_way(string below)
    {
        var file = _temp.File("notes.txt");
        File.WriteAllText(file, "x");
        var path = Path.Combine(file, below);

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(path, Bytes));

        Assert.Equal($"{path}: {file} is a file, so no folder can be made in it - choose another path", error.Message);
    }

    [Fact]
    public void A_path_ending_in_a_slash_is_a_folder_name_and_nothing_is_created()
    {
        var path = _temp.File("results") + "/";

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(path, Bytes));

        Assert.Equal($"{path}: ends in '/', so it names a folder - give a file name", error.Message);
        Assert.False(Directory.Exists(_temp.File("results")));
        AssertNoTempFiles();
    }

    [Fact]
    public void An_existing_folder_is_not_replaced_by_a_file()
    {
        var path = Directory.CreateDirectory(_temp.File("results")).FullName;

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(path, Bytes));

        Assert.Equal($"{path}: is a folder - give a file name", error.Message);
        AssertNoTempFiles();
    }

    [ReadOnlyFolderFact]
    public void A_read_only_folder_names_the_users_path_never_the_temp_file()
    {
        var (folder, path, error) = InReadOnlyFolder<IOException>("out.png", target => AtomicFile.WriteAllBytes(target, Bytes));

        Assert.Equal($"{path}: not written (permission denied) - nothing was changed; make {folder} writable or choose another path", error.Message);
        AssertNoTempFiles();
    }

    [ReadOnlyFolderFact]
    public void A_folder_that_cannot_be_made_in_a_read_only_one_is_named()
    {
        var (folder, path, error) = InReadOnlyFolder<IOException>(System.IO.Path.Combine("sub", "out.png"), target => AtomicFile.WriteAllBytes(target, Bytes));

        Assert.Equal($"{path}: cannot create its folder {System.IO.Path.Combine(folder, "sub")} (permission denied) - check the permissions or choose another path", error.Message);
    }

    [Fact]
    public void Saving_an_image_below_a_file_names_the_image_path()
    {
        var file = _temp.File("notes.txt");
        File.WriteAllText(file, "x");
        var path = Path.Combine(file, "digit.png");
        using var image = zeros(1, 4, 4);

        var error = Assert.Throws<IOException>(() => GrayImage.Save(image, path));

        Assert.StartsWith($"{path}: ", error.Message);
    }

    [ReadOnlyFolderFact]
    public void Writing_an_idx_file_into_a_read_only_folder_names_it_not_a_temp_file()
    {
        var (_, path, error) = InReadOnlyFolder<Exception>("labels-idx1-ubyte", target => IdxFile.Write(target, [3], Bytes));

        Assert.StartsWith($"{path}: ", error.Message);
        Assert.DoesNotContain(".tmp", error.Message);
    }
}
