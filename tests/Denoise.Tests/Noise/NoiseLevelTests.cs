using Denoise.Noise;
using static TorchSharp.torch;

namespace Denoise.Tests.Noise;

/// <summary>Levels: the valid interval of every parameter, and ranges of levels (blind denoising).</summary>
[Collection("torch")]
public sealed class NoiseLevelTests
{
    static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Tensor Grey(params long[] shape) => full(shape, 0.5f);

    [Theory]
    [InlineData(64L)]
    [InlineData(15L)]
    [InlineData(3L)]
    [InlineData(1L)]
    public void One_level_draws_exactly_the_noise_of_the_formulas_before_ranges(long size)
    {
        // The formulas as they were before ranges existed, with libtorch's own generator.
        using var clean = rand([2, 1, size, size], generator: new Generator(1));
        Tensor Old(Func<Generator, Tensor> draw)
        {
            using var generator = new Generator(42);
            return draw(generator).clamp_(0, 1);
        }

        using var gaussian = Old(g => empty_like(clean).normal_(0, 0.5, g).add_(clean));
        using var speckle = Old(g => empty_like(clean).normal_(1, 0.3, g).mul_(clean));
        using var shot = Old(g => poisson(clean.clamp(0, 1).mul_(30), g).div_(30));
        using var saltPepper = Old(g =>
        {
            var u = empty_like(clean).uniform_(0, 1, g);
            return clean.masked_fill(u.lt(0.1 / 2), 0).masked_fill_(u.ge(1 - 0.1 / 2), 1);
        });

        Assert.True(Identical(gaussian, new GaussianNoise(0.5).Apply(clean, 42)));
        Assert.True(Identical(speckle, new SpeckleNoise(0.3).Apply(clean, 42)));
        Assert.True(Identical(shot, new PoissonNoise(30).Apply(clean, 42)));
        Assert.True(Identical(saltPepper, new SaltPepperNoise(0.1).Apply(clean, 42)));
    }

    [Theory]
    [InlineData("gaussian:10")]
    [InlineData("speckle:10")]
    [InlineData("poisson:1")]
    [InlineData("poisson:1000000")]
    [InlineData("saltpepper:1")]
    public void The_ends_of_each_interval_give_finite_noise_in_unit_range(string text)
    {
        // Black, grey and white pixels: black times an overflowing factor is where NaN came from.
        using var clean = tensor(new[] { 0f, 0.5f, 1f }).repeat(2, 1, 16, 16);

        using var noisy = NoiseSpec.Parse(text).Apply(clean, seed: 3);

        Assert.True(noisy.isfinite().all().item<bool>());
        Assert.InRange(noisy.min().item<float>(), 0f, 1f);
        Assert.InRange(noisy.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void A_million_photons_keep_the_mean_brightness()
    {
        using var clean = Grey(20, 1, 28, 28);

        using var noisy = new PoissonNoise(1_000_000).Apply(clean, seed: 5);

        Assert.Equal(0.5, noisy.mean().item<float>(), 3);   // noise of sd 0.0007 per pixel, averaged over 15,680 pixels
    }

    [Theory]
    [InlineData("gaussian:0.1-0.9", "gaussian", 0.1, 0.9)]
    [InlineData("saltpepper:0-0.5", "saltpepper", 0, 0.5)]
    [InlineData("poisson:5-50", "poisson", 5, 50)]
    [InlineData("speckle:0.1-0.4", "speckle", 0.1, 0.4)]
    [InlineData(" Gaussian : 0.1 - 0.9 ", "gaussian", 0.1, 0.9)]
    [InlineData("gaussian:1e-2-5E-1", "gaussian", 0.01, 0.5)]
    [InlineData("gaussian:0-10", "gaussian", 0, 10)]
    public void A_range_of_levels_is_read_and_written_back(string text, string kind, double low, double high)
    {
        var spec = NoiseSpec.Parse(text);

        Assert.Equal((kind, low, high), (spec.Kind, spec.Parameter, spec.MaxParameter));
        Assert.True(spec.IsRange);
        Assert.Equal($"{kind}:{low}-{high}", spec.ToString());
        Assert.Equal(spec, NoiseSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void A_range_built_in_code_equals_the_parsed_one()
    {
        Assert.Equal(NoiseSpec.Parse("gaussian:0.1-0.9"), new GaussianNoise(0.1, upTo: 0.9));
        Assert.NotEqual(NoiseSpec.Parse("gaussian:0.1-0.9"), new GaussianNoise(0.1));
        Assert.False(new GaussianNoise(0.1).IsRange);
    }

    [Theory]
    [InlineData("gaussian:0.9-0.1", "a range LOW-HIGH needs LOW below HIGH, got 0.9-0.1; for one level write gaussian:0.9")]
    [InlineData("gaussian:0.5-0.5", "a range LOW-HIGH needs LOW below HIGH, got 0.5-0.5; for one level write gaussian:0.5")]
    [InlineData("gaussian:0.1-11", "gaussian sigma must be in [0,10], got 11")]
    [InlineData("gaussian:-0.1-0.5", "gaussian sigma must be in [0,10], got -0.1")]
    [InlineData("poisson:0.5-10", "poisson peak must be in [1,1000000], got 0.5")]
    [InlineData("saltpepper:0.2-1.5", "saltpepper amount must be in [0,1], got 1.5")]
    [InlineData("gaussian:0.1-", "'0.1-' is neither a number nor a range LOW-HIGH; use " + "gaussian:SIGMA")]
    [InlineData("gaussian:0.1-0.5-0.9", "'0.1-0.5-0.9' is neither a number nor a range LOW-HIGH; use " + "gaussian:SIGMA")]
    [InlineData("gaussian:a-b", "'a-b' is neither a number nor a range LOW-HIGH; use " + "gaussian:SIGMA")]
    public void A_bad_range_is_one_line_naming_the_spec(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => NoiseSpec.Parse(text));

        Assert.StartsWith($"noise '{text}': {problem}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("gaussian:0.1-0.9")]
    [InlineData("saltpepper:0-0.5")]
    [InlineData("poisson:5-50")]
    [InlineData("speckle:0.1-0.4")]
    public void Each_image_draws_its_own_level_within_the_range(string text)
    {
        var spec = NoiseSpec.Parse(text);
        using var images = Grey(200, 1, 4, 4);

        var levels = spec.Levels(images, seed: 7).data<double>().ToArray();

        Assert.Equal(200, levels.Length);
        Assert.All(levels, l => Assert.InRange(l, spec.Parameter, spec.MaxParameter!.Value));
        Assert.Equal(200, levels.Distinct().Count());
        // Uniform over the range: both tenths at the ends are reached (a miss has probability 0.9^200 each).
        var width = spec.MaxParameter!.Value - spec.Parameter;
        Assert.Contains(levels, l => l < spec.Parameter + width / 10);
        Assert.Contains(levels, l => l > spec.MaxParameter!.Value - width / 10);
    }

    /// <summary>Applies a range to grey images and returns, per image, its drawn level and <paramref name="measure"/> of (noisy, clean).</summary>
    static (double[] Levels, float[] Measured) PerImage(NoiseSpec spec, long seed, long count, long size, Func<Tensor, Tensor, Tensor> measure)
    {
        using var clean = Grey(count, 1, size, size);
        using var noisy = spec.Apply(clean, seed);
        using var measured = measure(noisy.flatten(1), clean.flatten(1));
        return (spec.Levels(clean, seed).data<double>().ToArray(), measured.data<float>().ToArray());
    }

    [Fact]
    public void Gaussian_noise_of_a_range_has_each_images_own_sigma()
    {
        // sigma <= 0.1 around 0.5 never clips, so each image's residual std estimates its sigma (3136 pixels: ~1.3% error).
        var (levels, measured) = PerImage(new GaussianNoise(0.02, upTo: 0.1), seed: 11, count: 30, size: 56, (noisy, clean) => (noisy - clean).std(1));

        for (var i = 0; i < levels.Length; i++)
            Assert.InRange(measured[i] / levels[i], 0.9, 1.1);
    }

    [Fact]
    public void Salt_and_pepper_of_a_range_replaces_each_images_own_fraction()
    {
        // 3136 pixels per image: the replaced fraction is within 0.009 (one standard error) of the level.
        var (levels, replaced) = PerImage(new SaltPepperNoise(0.05, upTo: 0.6), seed: 12, count: 30, size: 56, (noisy, _) => noisy.ne(0.5f).to(float32).mean([1]));

        for (var i = 0; i < levels.Length; i++)
            Assert.True(Math.Abs(replaced[i] - levels[i]) < 0.045, $"image {i}: level {levels[i]}, replaced {replaced[i]}");
    }

    [Theory]
    [InlineData("poisson:2-200")]
    [InlineData("speckle:0.05-0.6")]
    public void Images_of_a_range_get_more_noise_at_a_noisier_level(string text)
    {
        var spec = NoiseSpec.Parse(text);

        var (levels, errors) = PerImage(spec, seed: 13, count: 40, size: 28, (noisy, clean) => (noisy - clean).square().mean([1]));

        // Noisier: a larger speckle sigma, a smaller Poisson peak. The noisiest tenth of images beats the quietest tenth.
        var order = Enumerable.Range(0, levels.Length).OrderBy(i => spec.Kind == PoissonNoise.Name ? -levels[i] : levels[i]).ToArray();
        Assert.True(order[^4..].Min(i => errors[i]) > order[..4].Max(i => errors[i]));
    }

    [Fact]
    public void A_range_is_reproducible_with_its_seed_and_changes_with_another()
    {
        var spec = NoiseSpec.Parse("gaussian:0.1-0.9");
        using var clean = Grey(10, 1, 8, 8);

        using var first = spec.Apply(clean, seed: 21);
        using var again = spec.Apply(clean, seed: 21);
        using var other = spec.Apply(clean, seed: 22);

        Assert.True(Identical(first, again));
        Assert.False(Identical(first, other));
        Assert.Equal(spec.Levels(clean, 21).data<double>().ToArray(), spec.Levels(clean, 21).data<double>().ToArray());
        Assert.NotEqual(spec.Levels(clean, 21).data<double>().ToArray(), spec.Levels(clean, 22).data<double>().ToArray());
    }

    [Fact]
    public void One_image_of_a_range_gets_one_level()
    {
        var spec = new GaussianNoise(0.02, upTo: 0.1);
        using var image = Grey(1, 200, 200);

        using var noisy = spec.Apply(image, seed: 4);
        var level = Assert.Single(spec.Levels(image, seed: 4).data<double>().ToArray());

        // Both halves of the image have the same sigma: the one level drawn for it.
        Assert.Equal(level, (noisy - image)[.., ..100].std().item<float>(), 0.005);
        Assert.Equal(level, (noisy - image)[.., 100..].std().item<float>(), 0.005);
    }

    [Fact]
    public void One_level_gives_that_level_to_every_image()
    {
        using var images = Grey(5, 1, 4, 4);

        Assert.Equal(Enumerable.Repeat(0.3, 5), new SpeckleNoise(0.3).Levels(images, seed: 1).data<double>().ToArray());
    }
}
