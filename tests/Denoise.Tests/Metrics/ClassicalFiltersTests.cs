using Denoise.Metrics;
using static TorchSharp.torch;

namespace Denoise.Tests.Metrics;

[Collection("torch")]
public sealed class ClassicalFiltersTests
{
    [Fact]
    public void Median_removes_a_single_salt_pixel_from_a_flat_region()
    {
        var image = TestImages.Constant(9, 9, 0.25f);
        image[4, 4] = 1f;

        var filtered = TestImages.ToArray(ClassicalFilters.Median(TestImages.ToTensor(image)));

        Assert.All(filtered.Cast<float>(), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void Median_of_a_corner_counts_the_repeated_edge_pixels()
    {
        // scipy's 'reflect' repeats the edge: the top-left window is [a a b; a a b; c c d] = [0 0 .9; 0 0 .9; .9 .9 .9].
        var image = new float[,] { { 0f, 0.9f, 0.9f }, { 0.9f, 0.9f, 0.9f }, { 0.9f, 0.9f, 0.9f } };

        var filtered = TestImages.ToArray(ClassicalFilters.Median(TestImages.ToTensor(image)));

        // Window values sorted: 0 0 0 0 .9 .9 .9 .9 .9 -> median .9; a zero-padded filter would give 0.
        Assert.Equal(0.9f, filtered[0, 0]);
    }

    [Fact]
    public void Gaussian_blur_keeps_a_flat_image_flat()
    {
        var image = TestImages.ToTensor(TestImages.Constant(11, 7, 0.6f));

        var blurred = TestImages.ToArray(ClassicalFilters.GaussianBlur(image, sigma: 1.5));

        // float32 sums of 0.6 times weights that add up to 1: a few ulps (6e-8 at 0.6) off; 1e-6 allows that.
        Assert.All(blurred.Cast<float>(), v => Assert.Equal(0.6f, v, 1e-6f));
    }

    [Fact]
    public void Gaussian_kernel_sums_to_one_and_reaches_four_sigma()
    {
        var kernel = ClassicalFilters.GaussianKernel(1.0);

        Assert.Equal(9, kernel.Length);
        Assert.Equal(1.0, kernel.Sum(), 1e-12);
        // Ratio of neighbouring weights is exp(-1/2) for x = 0 -> 1 whatever the normalisation.
        Assert.Equal(Math.Exp(-0.5), kernel[5] / kernel[4], 1e-12);
        Assert.Equal(kernel[0], kernel[8]);
    }

    [Fact]
    public void Filters_return_the_shape_they_were_given()
    {
        var batch = zeros(3, 1, 10, 6);
        var stack = ones(4, 10, 6);

        Assert.Equal(batch.shape, ClassicalFilters.Median(batch).shape);
        Assert.Equal(stack.shape, ClassicalFilters.GaussianBlur(stack).shape);
    }

    [Fact]
    public void Filters_match_scipy_ndimage_in_reflect_mode()
    {
        using var python = new PythonReference();
        var images = new[] { TestImages.Noisy(TestImages.Blob(28, 28), seed: 40, sigma: 0.3), TestImages.Uniform(9, 11, seed: 41), TestImages.Uniform(3, 4, seed: 42) };
        for (var i = 0; i < images.Length; i++)
        {
            python.Write($"x{i}", images[i]);
        }

        python.Run($$"""
            from scipy import ndimage
            for i in range({{images.Length}}):
                x = load(f'x{i}').astype(np.float64)
                save(f'median{i}', ndimage.median_filter(x, size=3, mode='reflect'))
                save(f'gauss{i}', ndimage.gaussian_filter(x, sigma=1.0, mode='reflect'))
                save(f'wide{i}', ndimage.gaussian_filter(x, sigma=2.3, mode='reflect'))
            """);

        for (var i = 0; i < images.Length; i++)
        {
            var (h, w) = (images[i].GetLength(0), images[i].GetLength(1));
            var x = TestImages.ToTensor(images[i]);
            AssertClose(python.Read($"median{i}", h, w), TestImages.ToArray(ClassicalFilters.Median(x)), 0);
            // scipy sums in float64, we in float32 over up to 19 × 19 taps: the float32 result is off by a few ulps (< 1e-6).
            AssertClose(python.Read($"gauss{i}", h, w), TestImages.ToArray(ClassicalFilters.GaussianBlur(x)), 1e-6f);
            // sigma 2.3 has radius 9, wider than the 3x4 image: the padding must fold back more than once.
            AssertClose(python.Read($"wide{i}", h, w), TestImages.ToArray(ClassicalFilters.GaussianBlur(x, 2.3)), 1e-6f);
        }
    }

    private static void AssertClose(float[,] expected, float[,] actual, float tolerance)
    {
        var worst = expected.Cast<float>().Zip(actual.Cast<float>(), (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"largest difference from scipy {worst} exceeds {tolerance}");
    }
}
