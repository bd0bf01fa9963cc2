using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Multiplicative noise: x + x * Sigma * N(0,1), clipped; black pixels stay black.
/// </summary>
public sealed record SpeckleNoise(double Sigma = SpeckleNoise.DefaultSigma) : NoiseSpec
{
    public const string Name = "speckle";
    public const double DefaultSigma = 0.3;

    /// <summary>Relative standard deviation of the noise; at least 0.</summary>
    public double Sigma { get; init => field = Check(value, value >= 0, Name, "sigma", ">= 0"); } =
        Check(Sigma, Sigma >= 0, Name, "sigma", ">= 0");

    public override string Kind => Name;
    public override double Parameter => Sigma;

    private protected override Tensor Corrupt(Tensor clean, Generator generator) =>
        empty_like(clean).normal_(1, Sigma, generator).mul_(clean);
}
