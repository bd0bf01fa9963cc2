namespace Denoise.Metrics;

/// <summary>
/// Quality of a set of images against their references: per-image values (for histograms and for
/// picking the best and worst examples) and their means.
/// </summary>
/// <remarks>
/// PSNR of an image identical to its reference is +infinity (as in scikit-image), so <see cref="MeanPsnr"/>
/// is +infinity as soon as one image is perfect. <see cref="MeanCappedPsnr"/> caps each image at
/// <see cref="PsnrCap"/> dB first and is always finite; use it for tables and charts.
/// </remarks>
public sealed record QualityReport
{
    /// <summary>
    /// 100 dB is an MSE of 1e-10: one 28×28 8-bit image that differs from its reference by a single grey level
    /// in one pixel already scores only 77 dB, so the cap only ever replaces "identical".
    /// </summary>
    public const double PsnrCap = 100.0;

    public QualityReport(IReadOnlyList<double> mse, IReadOnlyList<double> psnr, IReadOnlyList<double> ssim)
    {
        if (mse.Count == 0)
        {
            throw new ArgumentException("a quality report needs at least one image");
        }

        if (psnr.Count != mse.Count || ssim.Count != mse.Count)
        {
            throw new ArgumentException(
                $"per-image values disagree in count: {mse.Count} MSE, {psnr.Count} PSNR, {ssim.Count} SSIM");
        }

        Mse = mse;
        Psnr = psnr;
        Ssim = ssim;
        MeanMse = mse.Average();
        MeanPsnr = psnr.Average();
        MeanCappedPsnr = psnr.Average(p => Math.Min(p, PsnrCap));
        MeanSsim = ssim.Average();
    }

    public IReadOnlyList<double> Mse { get; }

    /// <summary>PSNR in dB per image; +infinity where the image equals its reference.</summary>
    public IReadOnlyList<double> Psnr { get; }

    public IReadOnlyList<double> Ssim { get; }

    public int Count => Mse.Count;

    public double MeanMse { get; }

    /// <summary>Arithmetic mean of the per-image PSNR; +infinity if any image equals its reference.</summary>
    public double MeanPsnr { get; }

    /// <summary>Mean of the per-image PSNR with each capped at <see cref="PsnrCap"/> dB; always finite.</summary>
    public double MeanCappedPsnr { get; }

    public double MeanSsim { get; }

    public ImageQuality this[int index] => new(Mse[index], Psnr[index], Ssim[index]);

    /// <summary>Indices of the <paramref name="count"/> images with the lowest SSIM, worst first.</summary>
    public int[] WorstBySsim(int count) =>
        Enumerable.Range(0, Count).OrderBy(i => Ssim[i]).ThenBy(i => i).Take(count).ToArray();

    /// <summary>Indices of the <paramref name="count"/> images with the highest SSIM, best first.</summary>
    public int[] BestBySsim(int count) =>
        Enumerable.Range(0, Count).OrderByDescending(i => Ssim[i]).ThenBy(i => i).Take(count).ToArray();
}
