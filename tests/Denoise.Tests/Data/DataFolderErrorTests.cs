using Denoise.Data;
using Denoise.Tests.IO;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class DataFolderErrorTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static string RealFashion => Path.Combine(DataFolder.Resolve(), DataCatalog.FolderName(DataSetKind.FashionMnist));

    string AFile()
    {
        var file = _temp.File("data");
        File.WriteAllText(file, "not a folder");
        return file;
    }

    [Fact]
    public void Fetch_into_a_data_folder_that_is_a_file_names_it()
    {
        var file = AFile();

        var error = Assert.Throws<IOException>(() => DataFetcher.Fetch(file, RealFashion));

        Assert.Equal($"{file}: the data folder is a file, not a folder - set DENOISE_DATA (or --data-dir) to the folder that holds mnist/ and fashion-mnist/", error.Message);
    }

    [Fact]
    public void Loading_from_a_data_folder_that_is_a_file_names_it()
    {
        var file = AFile();

        var error = Assert.Throws<IOException>(() => DataSets.Load(DataSetKind.Mnist, Split.Test, folder: file));

        Assert.StartsWith($"{file}: the data folder is a file", error.Message);
    }

    [ReadOnlyFolderFact]
    public void Fetch_into_a_read_only_data_folder_names_the_data_path_never_a_temp_file()
    {
        var folder = Directory.CreateDirectory(_temp.File("data")).FullName;
        Exception error;
        using (new ReadOnlyFolder(folder))
            error = Assert.ThrowsAny<Exception>(() => DataFetcher.Fetch(folder, RealFashion));

        var target = Path.Combine(folder, "fashion-mnist");
        Assert.Equal($"{Path.Combine(target, "train-images-idx3-ubyte.gz")}: cannot create its folder {target} (permission denied) - check the permissions or choose another path", error.Message);
    }
}
