using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Shot noise: a pixel of brightness x counts Poisson(x * Peak) photons, x' = count / Peak, clipped.
/// The mean is preserved and the variance is x / Peak, so a lower peak means a noisier image.
/// </summary>
public sealed record PoissonNoise(double Peak = PoissonNoise.DefaultPeak) : NoiseSpec
{
    public const string Name = "poisson";
    public const double DefaultPeak = 30;

    /// <summary>Photon count of a white pixel; greater than 0.</summary>
    public double Peak { get; init => field = Check(value, value > 0, Name, "peak", "> 0"); } =
        Check(Peak, Peak > 0, Name, "peak", "> 0");

    public override string Kind => Name;
    public override double Parameter => Peak;

    private protected override Tensor Corrupt(Tensor clean, Generator generator) =>
        poisson(clean.clamp(0, 1).mul_(Peak), generator).div_(Peak);
}
