using Denoise.Data;
using Denoise.Tests.IO;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class SpecialDataFileTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_fifo_given_as_an_idx_file_is_an_error_naming_it_not_a_hang()
    {
        var fifo = SpecialFiles.MakeFifo(_temp.File("t10k-images-idx3-ubyte"));

        var error = SpecialFiles.ThrowsPromptly<IOException>(() => IdxFile.Read(fifo), fifo);

        Assert.StartsWith($"{fifo}: is a FIFO (named pipe)", error.Message);
    }

    [Fact]
    public void A_fifo_in_the_data_folder_stops_loading_with_its_name()
    {
        Samples.WriteDataFolder(_temp.Path, count: 3, [1, 2, 3]);
        var images = DataCatalog.Find(DataSetKind.Mnist, Split.Test, labels: false).PathIn(_temp.Path);
        File.Delete(images);
        SpecialFiles.MakeFifo(images);

        var error = SpecialFiles.ThrowsPromptly<IOException>(() => DataSets.Load(DataSetKind.Mnist, Split.Test, folder: _temp.Path).Dispose(), images);

        Assert.StartsWith($"{images}: is a FIFO (named pipe)", error.Message);
    }

    [Fact]
    public void A_fifo_in_the_data_folder_stops_fetch_with_its_name()
    {
        var labels = DataCatalog.Find(DataSetKind.Mnist, Split.Test, labels: true).PathIn(_temp.Path);
        SpecialFiles.MakeFifo(labels);

        var error = SpecialFiles.ThrowsPromptly<IOException>(() => DataFetcher.Fetch(_temp.Path, _temp.File("no-source")), labels);

        Assert.StartsWith($"{labels}: is a FIFO (named pipe)", error.Message);
    }

    [Fact]
    public void A_device_or_folder_given_as_an_idx_file_is_named_with_what_it_is()
    {
        var folder = Directory.CreateDirectory(_temp.File("train-labels-idx1-ubyte")).FullName;

        Assert.StartsWith("/dev/zero: is a character device", Assert.Throws<IOException>(() => IdxFile.Read("/dev/zero")).Message);
        Assert.StartsWith($"{folder}: is a folder", Assert.Throws<IOException>(() => IdxFile.ReadHeader(folder)).Message);
    }
}
