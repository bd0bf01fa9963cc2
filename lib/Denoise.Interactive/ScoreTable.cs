using Denoise.Evaluation;
using Denoise.Metrics;

namespace Denoise.Interactive;

/// <summary>
/// The one way every score table in the notebooks looks: a row per method (and noise, where there are several), PSNR in
/// dB to two decimals, SSIM to four, MSE to five. The formatters of <see cref="Scoreboard"/>,
/// <see cref="DenoisingComparison"/>, <see cref="Robustness"/> and <see cref="LayoutScores"/> go through it, so a cell that ends with one shows it.
/// </summary>
public static class ScoreTable
{
    public const string NoiseHeader = "noise";
    public const string MethodHeader = "method";
    public const string PsnrHeader = "PSNR (dB)";
    public const string SsimHeader = "SSIM";
    public const string MseHeader = "MSE";

    /// <summary>Method, PSNR, SSIM and MSE of each score.</summary>
    public static Table Of(IEnumerable<MethodScore> scores, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return new Table([MethodHeader, PsnrHeader, SsimHeader, MseHeader],
            [.. scores.Select(s => (IReadOnlyList<object?>)[s.Method, Psnr(s.PsnrDb), Ssim(s.Ssim), Mse(s.Mse)])], caption);
    }

    /// <summary>Noise, method, PSNR and SSIM of each row.</summary>
    public static Table Of(IEnumerable<RobustnessRow> rows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new Table([NoiseHeader, MethodHeader, PsnrHeader, SsimHeader],
            [.. rows.Select(r => (IReadOnlyList<object?>)[r.Noise, r.Method, Psnr(r.PsnrDb), Ssim(r.Ssim)])], caption);
    }

    /// <summary>Each method, with its PSNR and SSIM on each layout side by side.</summary>
    public static Table Of(LayoutScores scores, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var headers = scores.Layouts.SelectMany(l => new[] { $"{l} {PsnrHeader}", $"{l} {SsimHeader}" }).Prepend(MethodHeader).ToList();
        return new Table(headers,
            [.. scores.Methods.Select(m => (IReadOnlyList<object?>)[m, .. scores.Boards.SelectMany(b => new object?[] { Psnr(b[m].PsnrDb), Ssim(b[m].Ssim) })])],
            caption);
    }

    // Two decimals of a decibel and four of SSIM are what the differences between our methods need; more is noise.
    private static double Psnr(double value) => Math.Round(value, 2);

    private static double Ssim(double value) => Math.Round(value, 4);

    private static double Mse(double value) => Math.Round(value, 5);
}
