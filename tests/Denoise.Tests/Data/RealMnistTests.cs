using Denoise.Data;
using Denoise.IO;

namespace Denoise.Tests.Data;

/// <summary>
/// The real files, from $DENOISE_DATA or &lt;repo&gt;/data: `./build.sh setup` fetches them before the tests run,
/// so their absence is a failure, not a skip.
/// </summary>
[Collection("torch")]
public sealed class RealMnistTests
{
    static readonly string Folder = DataFolder.Resolve();

    [Fact]
    public void MNIST_train_has_the_published_size_first_label_and_class_counts()
    {
        using var train = DataSets.Load(DataSetKind.Mnist, Split.Train, folder: Folder);

        Assert.Equal([60000L, 1, 28, 28], train.Images.shape);
        Assert.Equal(5, train.Labels[0].item<long>());
        // Per-digit counts of the MNIST training set (LeCun et al.; as torchvision reports them).
        Assert.Equal(new long[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 },
            train.Labels.bincount(null).data<long>().ToArray());
    }

    [Fact]
    public void MNIST_train_pixels_have_the_well_known_mean_and_std()
    {
        using var train = DataSets.Load(DataSetKind.Mnist, Split.Train, folder: Folder);

        // The normalisation constants every MNIST tutorial uses: mean 0.1307, std 0.3081, given to 4 decimals (float32
        // reductions over 47 million pixels are far closer than that).
        Assert.Equal(0.1307, train.Images.mean().item<float>(), 4);
        Assert.Equal(0.3081, train.Images.std().item<float>(), 4);
    }

    [Fact]
    public void MNIST_test_has_10000_images_starting_with_a_7()
    {
        using var test = DataSets.Load(DataSetKind.Mnist, Split.Test, folder: Folder);

        Assert.Equal(10000, test.Count);
        Assert.Equal(7, test.Labels[0].item<long>());
        Assert.Equal(1135, test.Labels.eq(1).sum().item<long>());
    }

    [Fact]
    public void Real_files_match_their_pins()
    {
        foreach (var file in DataCatalog.Files.Where(f => f.Kind == DataSetKind.Mnist))
            Assert.Equal(file.Sha256, Checksum.OfFile(file.PathIn(Folder)));
    }
}
