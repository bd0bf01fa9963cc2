using Denoise.Data;
using Denoise.Metrics;
using static TorchSharp.torch;

namespace Denoise.Tests.Metrics;

[Collection("torch")]
public sealed class ClassicalFiltersColorTests
{
    [Fact]
    public void Each_channel_of_a_colour_batch_is_filtered_as_its_own_grey_image()
    {
        using var generator = new Generator(21);
        using var images = rand([2, 3, 12, 9], generator: generator);

        using var median = ClassicalFilters.Median(images);
        using var blurred = ClassicalFilters.GaussianBlur(images, 1.2);

        Assert.Equal(images.shape, median.shape);
        Assert.Equal(images.shape, blurred.shape);
        for (var n = 0; n < 2; n++)
        {
            for (var c = 0; c < 3; c++)
            {
                using var plane = images[n, c];
                // A median picks one of the values: identical. A blur of a batch and of one plane may run through
                // different convolution kernels that sum its 2 x 11 taps in another order: a few float32 roundings of values ≤ 1.
                Assert.Equal(0, median[n, c].sub(ClassicalFilters.Median(plane)).abs().max().item<float>());
                Assert.True(blurred[n, c].sub(ClassicalFilters.GaussianBlur(plane, 1.2)).abs().max().item<float>() < 1e-6f);
            }
        }
    }

    [Fact]
    public void A_clean_colour_photo_keeps_its_colours_through_median_and_blur()
    {
        using var photo = Photos.Load(PhotoCatalog.Find("coffee"), color: true);

        using var median = ClassicalFilters.Median(photo);
        using var blurred = ClassicalFilters.GaussianBlur(photo);

        foreach (var filtered in new[] { median, blurred })
        {
            Assert.Equal(photo.shape, filtered.shape);
            // The issue's colour goal: the mean of each channel moves by at most one grey level on a noise-free photo.
            using var shift = filtered.sub(photo).mean([1, 2]).abs();
            Assert.True(shift.max().item<float>() <= 1 / 255f, $"channel means moved by {string.Join(", ", shift.data<float>().ToArray())}");
        }
    }
}
