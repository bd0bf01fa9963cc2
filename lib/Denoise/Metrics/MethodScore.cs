namespace Denoise.Metrics;

/// <summary>How well one method restored a set of images: mean PSNR (dB, capped per image), mean SSIM and mean MSE.</summary>
public sealed record MethodScore(string Method, double PsnrDb, double Ssim, double Mse)
{
    public static MethodScore Of(string method, QualityReport report) =>
        new(method, report.MeanCappedPsnr, report.MeanSsim, report.MeanMse);
}
