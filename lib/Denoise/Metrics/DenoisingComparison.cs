using static TorchSharp.torch;

namespace Denoise.Metrics;

/// <summary>
/// The noisy input, two classical filters and one model, each scored against the clean images, with every image's
/// scores kept (for histograms and the best and worst examples): the table that tells whether learning was worth it.
/// </summary>
/// <param name="ModelName">The model's row in <see cref="Scores"/>: its architecture, as model files name it.</param>
public sealed record DenoisingComparison(QualityReport Noisy, QualityReport Median, QualityReport Blur, QualityReport Denoised,
    string ModelName)
{
    public const string NoisyName = "noisy input";
    public const string MedianName = "median 3x3";
    public const string BlurName = "gaussian blur (sigma 1)";

    /// <summary>Scores every method on the same clean/noisy pairs; <paramref name="denoised"/> is the model's output for <paramref name="noisy"/>.</summary>
    /// <param name="modelName">The model's row in <see cref="Scores"/>: its architecture, as model files name it.</param>
    public static DenoisingComparison Run(Tensor clean, Tensor noisy, Tensor denoised, string modelName)
    {
        var (input, median, blur) = BaselineReports(clean, noisy);
        return new DenoisingComparison(input, median, blur, ImageMetrics.Evaluate(clean, denoised), modelName);
    }

    /// <summary>The rows every comparison starts with: the noisy input and the two classical filters.</summary>
    public static IEnumerable<MethodScore> Baselines(Tensor clean, Tensor noisy)
    {
        var (input, median, blur) = BaselineReports(clean, noisy);
        return [MethodScore.Of(NoisyName, input), MethodScore.Of(MedianName, median), MethodScore.Of(BlurName, blur)];
    }

    private static (QualityReport Noisy, QualityReport Median, QualityReport Blur) BaselineReports(Tensor clean, Tensor noisy)
    {
        using var median = ClassicalFilters.Median(noisy);
        using var blur = ClassicalFilters.GaussianBlur(noisy, sigma: 1.0);
        return (ImageMetrics.Evaluate(clean, noisy), ImageMetrics.Evaluate(clean, median), ImageMetrics.Evaluate(clean, blur));
    }

    /// <summary>One row per method, the input first and the model last.</summary>
    public IReadOnlyList<MethodScore> Scores =>
    [
        MethodScore.Of(NoisyName, Noisy),
        MethodScore.Of(MedianName, Median),
        MethodScore.Of(BlurName, Blur),
        MethodScore.Of(ModelName, Denoised),
    ];
}
