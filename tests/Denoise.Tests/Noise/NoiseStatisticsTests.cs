using Denoise.Noise;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Noise;

[Collection("torch")]
public sealed class NoiseStatisticsTests
{
    // 200 x 1 x 28 x 28 = 156,800 pixels: the standard error of a mean is ~sigma/400, tight enough for 2-5% tolerances.
    private static readonly long[] Shape = [200, 1, 28, 28];

    private static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static void AssertRelative(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected} within {relative:P0}, got {actual}");

    [Fact]
    public void Gaussian_noise_on_a_grey_image_has_mean_half_and_std_sigma()
    {
        using var clean = full(Shape, 0.5f);

        using var noisy = new GaussianNoise(0.1).Apply(clean, seed: 1);

        // sigma 0.1 around 0.5 is five sigmas from either clip, so clipping does not bias the statistics.
        AssertRelative(0.5, noisy.mean().item<float>(), 0.01);
        AssertRelative(0.1, noisy.std().item<float>(), 0.02);
    }

    [Fact]
    public void Gaussian_noise_is_clipped_to_unit_range()
    {
        using var clean = rand(Shape, generator: new Generator(7)).gt(0.5).to(float32);

        using var noisy = new GaussianNoise(0.5).Apply(clean, seed: 2);

        Assert.Equal(0f, noisy.min().item<float>());
        Assert.Equal(1f, noisy.max().item<float>());
        // On a 0 pixel half the draws are negative and clip to exactly 0: P(x' == 0 | x == 0) = 1/2.
        using var zeros = clean.eq(0);
        var clippedAtZero = noisy.masked_select(zeros).eq(0).to(float32).mean().item<float>();
        AssertRelative(0.5, clippedAtZero, 0.02);
    }

    [Fact]
    public void Gaussian_noise_with_zero_sigma_returns_the_clean_images()
    {
        using var clean = rand(Shape, generator: new Generator(3));

        using var noisy = new GaussianNoise(0).Apply(clean, seed: 4);

        Assert.True(Identical(noisy, clean));
    }

    [Fact]
    public void Salt_and_pepper_replaces_the_given_fraction_half_black_half_white()
    {
        using var clean = full(Shape, 0.5f);

        using var noisy = new SaltPepperNoise(0.2).Apply(clean, seed: 5);

        var pepper = noisy.eq(0).to(float32).mean().item<float>();
        var salt = noisy.eq(1).to(float32).mean().item<float>();
        var kept = noisy.eq(0.5f).to(float32).mean().item<float>();
        AssertRelative(0.1, pepper, 0.03);
        AssertRelative(0.1, salt, 0.03);
        AssertRelative(0.8, kept, 0.01);
        Assert.Equal(1.0, pepper + salt + kept, 5);   // three float32 means of counts: within 1e-6
    }

    [Fact]
    public void Salt_and_pepper_with_amount_one_replaces_every_pixel()
    {
        using var clean = full(Shape, 0.5f);

        using var noisy = new SaltPepperNoise(1).Apply(clean, seed: 6);

        Assert.Equal(0, noisy.eq(0.5f).sum().item<long>());
    }

    [Fact]
    public void Poisson_noise_keeps_the_mean_and_has_variance_x_over_peak()
    {
        const double peak = 30, x = 0.4;
        using var clean = full(Shape, (float)x);

        using var noisy = new PoissonNoise(peak).Apply(clean, seed: 8);

        // count ~ Poisson(12): mean 12, var 12; divided by 30: mean 0.4, var 12/900 = x/peak. P(count > 30) ~ 1e-5, so clipping is negligible.
        AssertRelative(x, noisy.mean().item<float>(), 0.01);
        AssertRelative(x / peak, noisy.var().item<float>(), 0.03);
        // Values are whole photon counts divided by the peak.
        using var counts = noisy * (float)peak;
        Assert.True(counts.sub(counts.round()).abs().max().item<float>() < 1e-4f);   // float32 k / 30 × 30 is within an ulp of k ≤ 30
    }

    [Fact]
    public void Speckle_noise_leaves_black_pixels_black_and_scales_with_brightness()
    {
        using var clean = cat([zeros(100, 1, 28, 28), full(100, 1, 28, 28, 0.5f)], 0);

        using var noisy = new SpeckleNoise(0.3).Apply(clean, seed: 9);

        Assert.Equal(0f, noisy[..100].abs().max().item<float>());
        // On 0.5 the noise is 0.5 * 0.3 * N(0,1): std 0.15, and 0.5 +- 3.3 std stays inside [0,1].
        AssertRelative(0.5, noisy[100..].mean().item<float>(), 0.01);
        AssertRelative(0.15, noisy[100..].std().item<float>(), 0.03);
    }

    [Theory]
    [InlineData("gaussian:0.5")]
    [InlineData("saltpepper:0.1")]
    [InlineData("poisson:30")]
    [InlineData("speckle:0.3")]
    public void Same_seed_gives_identical_noise_and_different_seed_different_noise(string text)
    {
        var noise = NoiseSpec.Parse(text);
        using var clean = full(Shape, 0.5f);

        using var first = noise.Apply(clean, seed: 42);
        using var again = noise.Apply(clean, seed: 42);
        using var other = noise.Apply(clean, seed: 43);
        // Differs from 42 only above bit 31, which libtorch's own seeding drops.
        using var high = noise.Apply(clean, seed: 42 + (1L << 32));
        using var highAgain = noise.Apply(clean, seed: 42 + (1L << 32));

        Assert.True(Identical(first, again));
        Assert.False(Identical(first, other));
        Assert.False(Identical(first, high));
        Assert.True(Identical(high, highAgain));
    }

    [Theory]
    [InlineData("gaussian:0.5")]
    [InlineData("saltpepper:0.1")]
    [InlineData("poisson:30")]
    [InlineData("speckle:0.3")]
    public void Noise_leaves_the_input_untouched_and_keeps_shape_and_dtype(string text)
    {
        var noise = NoiseSpec.Parse(text);
        using var clean = rand(Shape, generator: new Generator(11));
        using var copy = clean.clone();

        using var noisy = noise.Apply(clean, seed: 1);

        Assert.True(Identical(clean, copy));
        Assert.Equal(clean.shape, noisy.shape);
        Assert.Equal(ScalarType.Float32, noisy.dtype);
        Assert.False(Identical(noisy, clean));
    }

    [Fact]
    public void Noise_does_not_depend_on_the_global_random_state()
    {
        using var clean = full(Shape, 0.5f);
        var noise = new GaussianNoise(0.5);

        torch.random.manual_seed(1);
        using var first = noise.Apply(clean, seed: 3);
        torch.random.manual_seed(2);
        using var second = noise.Apply(clean, seed: 3);

        Assert.True(Identical(first, second));
    }

    [Fact]
    public void Integer_images_are_rejected_with_the_dtype_named()
    {
        using var bytes = zeros([2, 28, 28], ScalarType.Byte);

        var error = Assert.Throws<ArgumentException>(() => new GaussianNoise(0.5).Apply(bytes, seed: 1));

        Assert.Contains("Byte", error.Message);
    }
}
