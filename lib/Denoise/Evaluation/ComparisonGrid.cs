using Denoise.Imaging;
using Denoise.Metrics;
using Denoise.Models;
using static TorchSharp.torch;

namespace Denoise.Evaluation;

/// <summary>Pictures of what each model makes of the same noisy images, with each image's PSNR under it when the clean images are known.</summary>
public static class ComparisonGrid
{
    /// <summary>
    /// Rows: the clean images (if given), the noisy ones and each model's output, N images a row; under every noisy and
    /// denoised image its PSNR against the clean one ("14.2 dB"), when <paramref name="clean"/> is given.
    /// </summary>
    public static ImageGrid Of(Tensor? clean, Tensor noisy, IEnumerable<(string Name, Denoiser Model)> models, int scale = ImageGrid.DefaultScale)
    {
        using var scope = NewDisposeScope();
        var grid = ImageGrid.Create(scale);
        if (clean is not null)
            grid = grid.AddRow("clean", clean);
        grid = grid.AddRow("noisy", noisy, Captions(clean, noisy));
        foreach (var (name, model) in models)
        {
            var denoised = ImageDenoiser.Denoise(model, noisy);
            grid = grid.AddRow(name, denoised, Captions(clean, denoised));
        }
        return grid;
    }

    private static IReadOnlyList<string>? Captions(Tensor? clean, Tensor images) =>
        clean is null ? null : [.. ImageMetrics.Psnr(clean, images).data<double>().ToArray().Select(p => $"{Math.Min(p, QualityReport.PsnrCap):F1} dB")];
}
