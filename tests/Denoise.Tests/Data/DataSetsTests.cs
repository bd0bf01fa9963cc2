using Denoise.Data;
using static TorchSharp.torch;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class DataSetsTests : IDisposable
{
    static readonly byte[] Labels = [7, 0, 9, 3];
    readonly TempFolder _temp = new();

    public DataSetsTests() => Samples.WriteDataFolder(_temp.Path, count: 4, Labels);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Images_are_float32_N_1_28_28_scaled_by_1_over_255()
    {
        using var set = DataSets.Read(DataSetKind.Mnist, Split.Train, null, _temp.Path);

        Assert.Equal("MNIST train", set.Name);
        Assert.Equal(ScalarType.Float32, set.Images.dtype);
        Assert.Equal([4L, 1, 28, 28], set.Images.shape);
        // Image 1 is filled with byte 51 (51/255 = 0.2) except pixel (0,0) = 255 (1.0); image 0 is 0 elsewhere. A byte
        // over 255 in float32 is within an ulp of the float32 literal: 6 decimals.
        Assert.Equal(1f, set.Images[1, 0, 0, 0].item<float>());
        Assert.Equal(0.2f, set.Images[1, 0, 27, 27].item<float>(), 6);
        Assert.Equal(0f, set.Images[0, 0, 5, 5].item<float>());
        Assert.Equal(0f, set.Images.min().item<float>());
        Assert.Equal(1f, set.Images.max().item<float>());
    }

    [Fact]
    public void Labels_are_int64_class_indices()
    {
        using var set = DataSets.Read(DataSetKind.Mnist, Split.Train, null, _temp.Path);

        Assert.Equal(ScalarType.Int64, set.Labels.dtype);
        Assert.Equal(new long[] { 7, 0, 9, 3 }, set.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Limit_keeps_the_first_images_and_labels()
    {
        using var set = DataSets.Read(DataSetKind.Mnist, Split.Train, 2, _temp.Path);

        Assert.Equal(2, set.Count);
        Assert.Equal([2L], set.Labels.shape);
        Assert.Equal(0.2f, set.Images[1, 0, 9, 9].item<float>(), 6);   // 51 / 255 in float32: within an ulp
    }

    [Fact]
    public void Fashion_gz_files_load_like_MNIST()
    {
        using var set = DataSets.Read(DataSetKind.FashionMnist, Split.Test, null, _temp.Path);

        Assert.Equal("Fashion-MNIST test", set.Name);
        Assert.Equal([3L, 1, 28, 28], set.Images.shape);
        Assert.Equal(new long[] { 7, 0, 9 }, set.Labels.data<long>().ToArray());
        Assert.Equal(102f / 255f, set.Images[2, 0, 14, 14].item<float>(), 6);   // within an ulp, however it is divided
    }

    [Fact]
    public void Tensors_belong_to_the_set_not_to_an_enclosing_dispose_scope()
    {
        DigitSet set;
        using (NewDisposeScope())
            set = DataSets.Read(DataSetKind.Mnist, Split.Test, null, _temp.Path);

        using (set)
            Assert.Equal(3, set.Images.shape[0]);
    }

    [Fact]
    public void Images_and_labels_of_different_counts_are_an_error_naming_both_files()
    {
        IdxFile.Write(DataCatalog.Find(DataSetKind.Mnist, Split.Test, labels: true).PathIn(_temp.Path), [2], new byte[] { 1, 2 });

        var e = Assert.Throws<InvalidDataException>(() => DataSets.Read(DataSetKind.Mnist, Split.Test, null, _temp.Path));

        Assert.StartsWith("t10k-labels-idx1-ubyte: 2 labels for 3 images in t10k-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void A_missing_data_set_says_to_run_data_fetch()
    {
        Directory.Delete(Path.Combine(_temp.Path, "mnist"), recursive: true);

        var e = Assert.Throws<FileNotFoundException>(() => DataSets.Load(DataSetKind.Mnist, Split.Train, folder: _temp.Path));

        Assert.Contains(Path.Combine("mnist", "train-images-idx3-ubyte"), e.Message);
        Assert.Contains("./denoise data fetch", e.Message);
    }

    [Fact]
    public void A_damaged_images_file_is_reported_by_name()
    {
        var images = DataCatalog.Find(DataSetKind.Mnist, Split.Train, labels: false).PathIn(_temp.Path);
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..100]);

        var e = Assert.Throws<InvalidDataException>(() => DataSets.Read(DataSetKind.Mnist, Split.Train, null, _temp.Path));

        Assert.StartsWith("train-images-idx3-ubyte: truncated", e.Message);
    }
}
