using Denoise.Evaluation;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Noise;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Evaluation;

[Collection("torch")]
public sealed class ScoreboardTests
{
    private static (Tensor Clean, Tensor Noisy) Pairs()
    {
        var clean = (rand(6, 1, 28, 28, generator: new Generator(1)) > 0.8).to_type(ScalarType.Float32);
        return (clean, new GaussianNoise(0.4).Apply(clean, 2));
    }

    [Fact]
    public void The_scoreboard_puts_the_baselines_first_and_scores_each_model_on_the_same_images()
    {
        var (clean, noisy) = Pairs();
        using var a = new ConvAutoencoder(seed: 1);
        using var b = new ConvAutoencoder(seed: 2);

        var board = Scoreboard.Of(clean, noisy, [("first", a), ("second", b)]);

        Assert.Equal([DenoisingComparison.NoisyName, DenoisingComparison.MedianName, DenoisingComparison.BlurName, "first", "second"],
            board.Scores.Select(s => s.Method));
        using var second = ImageDenoiser.Denoise(b, noisy);
        var expected = ImageMetrics.Evaluate(clean, second);
        Assert.Equal((expected.MeanCappedPsnr, expected.MeanSsim), (board["second"].PsnrDb, board["second"].Ssim));
        Assert.Equal(ImageMetrics.Evaluate(clean, noisy).MeanSsim, board[DenoisingComparison.NoisyName].Ssim);
        Assert.Throws<KeyNotFoundException>(() => board["third"]);
    }

    [Fact]
    public void Layout_scores_hold_a_scoreboard_per_layout_and_each_methods_psnr_across_them()
    {
        var (clean, noisy) = Pairs();
        var (moved, movedNoisy) = (clean.roll(3, 3), noisy.roll(3, 3));
        using var model = new ConvAutoencoder(seed: 1);

        var scores = LayoutScores.Measure([("centred", clean, noisy), ("moved", moved, movedNoisy)], [("seed", model)]);

        Assert.Equal(["centred", "moved"], scores.Layouts);
        Assert.Equal([DenoisingComparison.NoisyName, DenoisingComparison.MedianName, DenoisingComparison.BlurName, "seed"], scores.Methods);
        Assert.Equal(Scoreboard.Of(moved, movedNoisy, [("seed", model)])["seed"], scores["moved", "seed"]);
        var series = scores.PsnrSeries("seed", DenoisingComparison.MedianName);
        Assert.Equal([("seed", new[] { scores["centred", "seed"].PsnrDb, scores["moved", "seed"].PsnrDb })], series.Take(1).Select(s => (s.Name, s.Values)));
        Assert.Equal(4, scores.PsnrSeries().Count);
        Assert.Equal("no layout 'strips' was scored; there are centred, moved", Assert.Throws<KeyNotFoundException>(() => scores["strips"]).Message);
        Assert.Throws<ArgumentException>(() => LayoutScores.Measure([], [("seed", model)]));
    }

    [Fact]
    public void Robustness_scores_every_method_under_every_noise()
    {
        var (clean, _) = Pairs();
        using var model = new ConvAutoencoder(seed: 1);
        NoiseSpec[] noises = [new GaussianNoise(0.1), new GaussianNoise(0.5), NoiseSpec.Parse("saltpepper:0.1")];

        var robustness = Robustness.Measure(clean, noises, [("seed", model)], seed: 3);

        Assert.Equal([Robustness.NoisyName, "seed"], robustness.Methods);
        Assert.Equal([0.1, 0.5, 0.1], robustness.Levels);
        Assert.Equal(6, robustness.Rows.Count);
        // The noisy input's row is the noise itself, scored directly; more noise scores lower.
        using var noisy = noises[1].Apply(clean, 3);
        Assert.Equal(ImageMetrics.Evaluate(clean, noisy).MeanCappedPsnr, robustness.Psnr[1, 0]);
        Assert.True(robustness.PsnrSeries[0].Values[0] > robustness.PsnrSeries[0].Values[1]);
        using var denoised = ImageDenoiser.Denoise(model, noisy);
        Assert.Equal(ImageMetrics.Evaluate(clean, denoised).MeanSsim, robustness.SsimSeries[1].Values[1]);
        // A score by the noise's text form or by the spec, and the names there are when either is missing.
        Assert.Equal(new RobustnessRow("gaussian:0.5", "seed", robustness.Psnr[1, 1], robustness.Ssim[1, 1]), robustness["gaussian:0.5", "seed"]);
        Assert.Equal(robustness["saltpepper:0.1", Robustness.NoisyName], robustness[noises[2], Robustness.NoisyName]);
        Assert.Equal("no noise 'gaussian:0.7' was measured; there are gaussian:0.1, gaussian:0.5, saltpepper:0.1",
            Assert.Throws<KeyNotFoundException>(() => robustness["gaussian:0.7", "seed"]).Message);
        Assert.Equal("no method 'blind' was measured; there are noisy input, seed",
            Assert.Throws<KeyNotFoundException>(() => robustness["gaussian:0.1", "blind"]).Message);
    }
}
