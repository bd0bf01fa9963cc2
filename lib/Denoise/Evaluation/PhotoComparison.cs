using System.Globalization;
using Denoise.Data;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Evaluation;

/// <summary>
/// Every method on the same noisy photos, each photo at its own size: the noisy input, a 3×3 median, a Gaussian blur
/// (σ 1), non-local means (σ estimated per photo, h = 0.8 σ̂, 5×5 patches, distance 6: the anchor of denoising
/// papers' tables) and any number of models. A method's report holds one PSNR, SSIM and MSE per photo, in the order of
/// <see cref="Photos"/>; <see cref="Scores"/> gives their means, a row per method.
/// </summary>
public sealed record PhotoComparison(IReadOnlyList<string> Photos, NoiseSpec Noise, IReadOnlyList<(string Method, QualityReport Report)> Methods)
{
    public const string NonLocalMeansName = "non-local means";

    /// <summary>Scores every method on <paramref name="photos"/> with <paramref name="noise"/>.</summary>
    /// <param name="photos">Grey photos (1 x H x W each); colour ones are scored per channel as separate planes.</param>
    /// <param name="noise">Added to each photo with its own seed: <paramref name="seed"/>'s test noise seed plus the photo's index.</param>
    /// <param name="models">Named models; each denoises through <see cref="ImageDenoiser"/> (padding, tiles, its noise level).</param>
    public static PhotoComparison Run(IReadOnlyList<Photo> photos, NoiseSpec noise, long seed, IEnumerable<(string Name, Denoiser Model)> models)
    {
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentNullException.ThrowIfNull(noise);
        if (photos.Count == 0)
            throw new ArgumentException("no photos to score");
        var named = models.ToList();
        var names = new[] { DenoisingComparison.NoisyName, DenoisingComparison.MedianName, DenoisingComparison.BlurName, NonLocalMeansName }
            .Concat(named.Select(m => m.Name)).ToList();
        var reports = names.Select(_ => new List<QualityReport>()).ToList();
        for (var i = 0; i < photos.Count; i++)
        {
            using var scope = NewDisposeScope();
            // Each plane is an image: a grey photo is one, a colour photo three.
            var clean = photos[i].Image.unsqueeze(1);
            var noisy = noise.Apply(clean, TrainingData.TestNoiseSeed(seed) + i);
            Tensor[] outputs =
            [
                noisy,
                ClassicalFilters.Median(noisy),
                ClassicalFilters.GaussianBlur(noisy, sigma: 1.0),
                NonLocalMeans.Denoise(noisy),
                .. named.Select(m => ImageDenoiser.Denoise(m.Model, noisy)),
            ];
            for (var m = 0; m < outputs.Length; m++)
                reports[m].Add(ImageMetrics.Evaluate(clean, outputs[m]));
        }
        return new PhotoComparison(photos.Select(p => p.Name).ToList(), noise,
            names.Select((name, m) => (name, new QualityReport(
                reports[m].SelectMany(r => r.Mse).ToList(), reports[m].SelectMany(r => r.Psnr).ToList(), reports[m].SelectMany(r => r.Ssim).ToList()))).ToList());
    }

    /// <summary>
    /// The centre <paramref name="side"/> × <paramref name="side"/> of each photo (all of a side that is shorter), as
    /// views of the photos: quick runs and tests score crops, so that non-local means and the models see few pixels.
    /// </summary>
    public static IReadOnlyList<Photo> Crop(IReadOnlyList<Photo> photos, int side)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        return photos.Select(p =>
        {
            var (height, width) = (p.Image.shape[1], p.Image.shape[2]);
            var (rows, columns) = (Math.Min(side, height), Math.Min(side, width));
            return p with { Image = p.Image.narrow(1, (height - rows) / 2, rows).narrow(2, (width - columns) / 2, columns) };
        }).ToList();
    }

    /// <summary>Mean PSNR, SSIM and MSE over the photos, a row per method, the input first.</summary>
    public IReadOnlyList<MethodScore> Scores => Methods.Select(m => MethodScore.Of(m.Method, m.Report)).ToList();

    /// <summary>
    /// <see cref="Scores"/> with the noise named in each row, for tables over several levels: a Gaussian level as grey
    /// levels of 255 ("σ = 25/255"), any other noise by its text form.
    /// </summary>
    public IReadOnlyList<RobustnessRow> Rows
    {
        get
        {
            var noise = Noise is GaussianNoise { IsRange: false } gaussian ? string.Create(CultureInfo.InvariantCulture, $"σ = {gaussian.Sigma * 255:0.##}/255") : Noise.ToString();
            return Scores.Select(s => new RobustnessRow(noise, s.Method, s.PsnrDb, s.Ssim)).ToList();
        }
    }

    /// <summary>The row of <paramref name="method"/>.</summary>
    public MethodScore this[string method] =>
        Scores.FirstOrDefault(s => s.Method == method) ?? throw new KeyNotFoundException($"no method '{method}' in the comparison; it has {string.Join(", ", Methods.Select(m => m.Method))}");
}
