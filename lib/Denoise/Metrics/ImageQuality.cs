namespace Denoise.Metrics;

/// <summary>
/// How close one image is to its clean reference: mean squared error, PSNR in dB
/// (+infinity when the images are identical) and SSIM (1 for identical images).
/// </summary>
public sealed record ImageQuality(double Mse, double Psnr, double Ssim);
