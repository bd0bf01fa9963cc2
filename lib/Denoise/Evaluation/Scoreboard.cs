using Denoise.Metrics;
using Denoise.Models;
using static TorchSharp.torch;

namespace Denoise.Evaluation;

/// <summary>
/// Every method on the same noisy test images: the noisy input, the classical filters of <see cref="DenoisingComparison"/>
/// and any number of models, each a row of mean PSNR, SSIM and MSE against the clean images.
/// </summary>
public sealed record Scoreboard(IReadOnlyList<MethodScore> Scores)
{
    /// <summary>Scores the baselines and each named model on <paramref name="noisy"/> against <paramref name="clean"/>.</summary>
    public static Scoreboard Of(Tensor clean, Tensor noisy, IEnumerable<(string Name, Denoiser Model)> models)
    {
        var rows = DenoisingComparison.Baselines(clean, noisy).ToList();
        foreach (var (name, model) in models)
        {
            using var denoised = ImageDenoiser.Denoise(model, noisy);
            rows.Add(MethodScore.Of(name, ImageMetrics.Evaluate(clean, denoised)));
        }
        return new Scoreboard(rows);
    }

    /// <summary>The row of <paramref name="method"/>.</summary>
    public MethodScore this[string method] =>
        Scores.FirstOrDefault(s => s.Method == method) ?? throw new KeyNotFoundException($"no method '{method}' on the scoreboard; it has {string.Join(", ", Scores.Select(s => s.Method))}");
}
