using Denoise.Metrics;
using Denoise.Models;
using Denoise.Noise;
using static TorchSharp.torch;

namespace Denoise.Evaluation;

/// <summary>
/// How methods hold up across noises: the noisy input and each model scored on the same clean images under every noise
/// of a list (levels of one kind for a sweep, or several kinds), mean PSNR and SSIM per (noise, method).
/// </summary>
public sealed record Robustness(IReadOnlyList<NoiseSpec> Noises, IReadOnlyList<string> Methods, double[,] Psnr, double[,] Ssim)
{
    /// <summary>The name of the row scoring the noisy input itself.</summary>
    public const string NoisyName = DenoisingComparison.NoisyName;

    /// <summary>
    /// Adds each noise of <paramref name="noises"/> to <paramref name="clean"/> (seeded by <paramref name="seed"/>, the same
    /// noisy images for every method) and scores the noisy input and each model's output.
    /// </summary>
    public static Robustness Measure(Tensor clean, IReadOnlyList<NoiseSpec> noises, IReadOnlyList<(string Name, Denoiser Model)> models, long seed)
    {
        var methods = models.Select(m => m.Name).Prepend(NoisyName).ToList();
        var (psnr, ssim) = (new double[noises.Count, methods.Count], new double[noises.Count, methods.Count]);
        for (var n = 0; n < noises.Count; n++)
        {
            using var scope = NewDisposeScope();
            var noisy = noises[n].Apply(clean, seed);
            for (var m = 0; m < methods.Count; m++)
            {
                using var output = m == 0 ? noisy.alias() : ImageDenoiser.Denoise(models[m - 1].Model, noisy);
                var report = ImageMetrics.Evaluate(clean, output);
                (psnr[n, m], ssim[n, m]) = (report.MeanCappedPsnr, report.MeanSsim);
            }
        }
        return new Robustness(noises, methods, psnr, ssim);
    }

    /// <summary>One series per method (values over <see cref="Noises"/>), as line charts take them.</summary>
    public IReadOnlyList<(string Name, double[] Values)> PsnrSeries => Series(Psnr);

    /// <summary>One series per method (values over <see cref="Noises"/>), as line charts take them.</summary>
    public IReadOnlyList<(string Name, double[] Values)> SsimSeries => Series(Ssim);

    /// <summary>The noises' levels (e.g. each σ of a sweep), the x axis of a sweep's charts.</summary>
    public double[] Levels => [.. Noises.Select(n => n.Parameter)];

    /// <summary>One row per (noise, method), for a table.</summary>
    public IReadOnlyList<RobustnessRow> Rows =>
        [.. Noises.SelectMany((noise, n) => Methods.Select((method, m) => new RobustnessRow(noise.ToString(), method, Psnr[n, m], Ssim[n, m])))];

    /// <summary>The scores of <paramref name="method"/> under the noise written <paramref name="noise"/> (e.g. "gaussian:0.5").</summary>
    /// <exception cref="KeyNotFoundException">No such noise or method; the message lists those there are.</exception>
    public RobustnessRow this[string noise, string method]
    {
        get
        {
            var n = Noises.Select(x => x.ToString()).ToList().IndexOf(noise);
            if (n < 0)
                throw new KeyNotFoundException($"no noise '{noise}' was measured; there are {string.Join(", ", Noises)}");
            var m = Methods.ToList().IndexOf(method);
            if (m < 0)
                throw new KeyNotFoundException($"no method '{method}' was measured; there are {string.Join(", ", Methods)}");
            return new RobustnessRow(noise, method, Psnr[n, m], Ssim[n, m]);
        }
    }

    /// <summary>The scores of <paramref name="method"/> under <paramref name="noise"/>.</summary>
    public RobustnessRow this[NoiseSpec noise, string method] => this[noise.ToString(), method];

    private IReadOnlyList<(string Name, double[] Values)> Series(double[,] values) =>
        [.. Methods.Select((method, m) => (method, Enumerable.Range(0, Noises.Count).Select(n => values[n, m]).ToArray()))];
}
