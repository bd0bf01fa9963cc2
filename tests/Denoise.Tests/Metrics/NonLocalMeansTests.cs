using System.Globalization;
using Denoise.Data;
using Denoise.Metrics;
using Denoise.Noise;
using static TorchSharp.torch;

namespace Denoise.Tests.Metrics;

[Collection("torch")]
public sealed class NonLocalMeansTests
{
    // scikit-image's fast exponential is a step function of the patch distance (its high word is a truncated integer):
    // summing an integral image in another order moves a distance by ~1e-13, which can cross a step and change that one
    // weight by 2^-20 of itself, so a pixel may move by ~1e-7. Everything else agrees to float64 rounding (~1e-15).
    private const double StepTolerance = 1e-6;

    /// <summary>A noisy grey, colour and tiny image, in float64 on our side, float32 values on both.</summary>
    private static Tensor Noisy(long[] shape, int seed, double sigma)
    {
        using var generator = new Generator((ulong)seed);
        var (height, width) = (shape[^2], shape[^1]);
        using var rows = linspace(0, 1, height).reshape(height, 1);
        using var columns = linspace(0, 1, width).reshape(1, width);
        using var smooth = rows.mul(columns).add(rows.mul(3).sin().mul(0.2)).add(0.2).expand(shape);
        using var noise = randn(shape, generator: generator).mul(sigma);
        return smooth.add(noise).clamp(0, 1).to(ScalarType.Float32).to(ScalarType.Float64);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static TheoryData<long[], double, double, int, int> Cases => new()
    {
        // The issue's settings: h = 0.8 sigma, 5 x 5 patches, distance 6; grey and colour.
        { [23, 31], 0.08, 0.1, 5, 6 },
        { [3, 17, 12], 0.08, 0.1, 5, 6 },
        // No sigma, an even patch size (made odd) and a smaller distance.
        { [20, 16], 0.15, 0, 4, 3 },
        // Smaller than the padding (2 + 6 + 1 = 9 pixels): the reflection folds more than once.
        { [5, 4], 0.08, 0.1, 5, 6 },
        // 1 x 1 patches: every pixel within the distance counts the same.
        { [2, 9, 8], 0.2, 0.05, 1, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_scikit_image_denoise_nl_means_in_fast_mode(long[] shape, double h, double sigma, int patchSize, int patchDistance)
    {
        using var image = Noisy(shape, seed: 7, sigma: 0.1);
        using var python = new PythonReference();
        python.Write("x", image);
        python.Run($$"""
            from skimage.restoration import denoise_nl_means
            x = load('x').astype(np.float64)
            if x.ndim == 3: x = np.moveaxis(x, 0, -1)
            y = denoise_nl_means(x, patch_size={{patchSize}}, patch_distance={{patchDistance}}, h={{Number(h)}}, sigma={{Number(sigma)}}, fast_mode=True, channel_axis={{(shape.Length == 3 ? "-1" : "None")}})
            if y.ndim == 3: y = np.moveaxis(y, -1, 0)
            save64('y', y)
            """);

        using var ours = NonLocalMeans.Denoise(image, new NonLocalMeansOptions(h, sigma, patchSize, patchDistance));

        Assert.Equal(shape, ours.shape);
        var expected = python.Read64("y");
        var actual = ours.contiguous().data<double>().ToArray();
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= StepTolerance, $"largest difference from scikit-image {worst} exceeds {StepTolerance}");
        // And the image really changed: a pass-through would fail the comparison above only by the noise.
        Assert.True(expected.Zip(image.contiguous().data<double>().ToArray(), (e, x) => Math.Abs(e - x)).Max() > 0.01);
    }

    [Fact]
    public void Psnr_on_a_noisy_photo_crop_agrees_with_scikit_image_with_the_estimated_sigma()
    {
        using var photo = Photos.Load(PhotoCatalog.Find("camera"));
        using var clean = photo.narrow(1, 200, 48).narrow(2, 220, 56).to(ScalarType.Float64);
        using var noisy = new GaussianNoise(25 / 255.0).Apply(clean.to(ScalarType.Float32), seed: 3).to(ScalarType.Float64);
        using var python = new PythonReference();
        python.Write("clean", clean);
        python.Write("noisy", noisy);
        var printed = python.Run("""
            from skimage.restoration import denoise_nl_means, estimate_sigma
            from skimage.metrics import peak_signal_noise_ratio
            x = load('noisy').astype(np.float64)[0]
            s = estimate_sigma(x)
            y = denoise_nl_means(x, patch_size=5, patch_distance=6, h=0.8 * s, sigma=s, fast_mode=True)
            print(s, peak_signal_noise_ratio(load('clean').astype(np.float64)[0], y, data_range=1))
            """);
        var (sigma, psnr) = (PythonReference.Numbers(printed)[0], PythonReference.Numbers(printed)[1]);

        using var denoised = NonLocalMeans.Denoise(noisy);
        var ours = 10 * Math.Log10(1 / denoised.sub(clean).square().mean().item<double>());

        Assert.Equal(sigma, NoiseEstimate.Sigma(noisy), 1e-12);
        // A weight moved across a step of the fast exponential (see StepTolerance) moves the mean squared error by far less.
        Assert.Equal(psnr, ours, 1e-6);
        Assert.True(ours > 10 * Math.Log10(1 / noisy.sub(clean).square().mean().item<double>()) + 3, "non-local means should gain well over 3 dB at sigma 25");
    }

    [Fact]
    public void Strips_of_one_row_give_what_the_whole_image_gives()
    {
        using var image = Noisy([3, 14, 19], seed: 9, sigma: 0.1);
        var options = new NonLocalMeansOptions(0.08, 0.1);

        using var whole = NonLocalMeans.Denoise(image, options, stripPixels: 1 << 20);
        using var rows = NonLocalMeans.Denoise(image, options, stripPixels: 1);

        // Same arithmetic in the same order per pixel, except the integral images start at another row (see StepTolerance).
        Assert.True(whole.sub(rows).abs().max().item<double>() <= StepTolerance);
    }

    [Fact]
    public void A_batch_is_denoised_image_by_image_and_keeps_its_shape_and_dtype()
    {
        using var first = Noisy([3, 10, 12], seed: 1, sigma: 0.1).to(ScalarType.Float32);
        using var second = Noisy([3, 10, 12], seed: 2, sigma: 0.2).to(ScalarType.Float32);
        using var batch = stack([first, second]);

        using var together = NonLocalMeans.Denoise(batch);
        using var alone = NonLocalMeans.Denoise(second);

        Assert.Equal(batch.shape, together.shape);
        Assert.Equal(ScalarType.Float32, together.dtype);
        // Each image gets its own sigma estimate and settings, so the second image alone is the second of the batch.
        Assert.Equal(0, together[1].sub(alone).abs().max().item<float>());
    }

    [Fact]
    public void A_flat_colour_stays_exactly_that_colour()
    {
        using var flat = tensor(new[] { 0.9, 0.4, 0.1 }).reshape(3, 1, 1).expand(3, 16, 20).contiguous();

        using var denoised = NonLocalMeans.Denoise(flat, NonLocalMeansOptions.ForSigma(0.1));

        // A weighted mean of equal values: 169 products summed, then divided by the sum of the weights, each step rounded
        // in float64 (2^-53 ≈ 1.1e-16 relative), so the result is that colour to a few hundred roundings.
        var worst = denoised.sub(flat).abs().max().item<double>();
        Assert.True(worst < 1e-13, $"moved by {worst}");
    }

    [Fact]
    public void A_clean_colour_photo_keeps_its_colours()
    {
        using var photo = Photos.Load(PhotoCatalog.Find("coffee"), color: true);
        using var crop = photo.narrow(1, 150, 64).narrow(2, 250, 64).contiguous();

        using var denoised = NonLocalMeans.Denoise(crop, NonLocalMeansOptions.ForSigma(15 / 255.0));

        // The issue's colour goal: the mean of each channel moves by at most one grey level on a noise-free photo.
        using var shift = denoised.sub(crop).mean([1, 2]).abs();
        Assert.True(shift.max().item<float>() <= 1 / 255f, $"channel means moved by {string.Join(", ", shift.data<float>().ToArray())}");
    }

    [Theory]
    [InlineData(0, 0, 5, 6, "h must be a positive number, got 0")]
    [InlineData(0.1, -1, 5, 6, "sigma must be 0 or more, got -1")]
    [InlineData(0.1, 0, 0, 6, "the patch size must be from 1 to 63 pixels, got 0")]
    [InlineData(0.1, 0, 5, -1, "the patch distance must be from 0 to 63 pixels, got -1")]
    public void Settings_that_cannot_work_are_named(double h, double sigma, int patchSize, int patchDistance, string message)
    {
        using var image = zeros(8, 8);

        var e = Assert.Throws<ArgumentException>(() => NonLocalMeans.Denoise(image, new NonLocalMeansOptions(h, sigma, patchSize, patchDistance)));

        Assert.Equal($"non-local means: {message}", e.Message);
    }

    [Fact]
    public void A_batch_of_grey_images_without_a_channel_axis_is_refused()
    {
        using var images = zeros([2, 3, 8, 8, 1]);

        var e = Assert.Throws<ArgumentException>(() => NonLocalMeans.Denoise(images));

        Assert.StartsWith("non-local means: expected an image shaped H x W or C x H x W, or images N x C x H x W, got 2 x 3 x 8 x 8 x 1", e.Message);
    }
}
