using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Additive white Gaussian noise exactly as the Keras example: x + sigma * N(0,1), clipped to [0,1].
/// </summary>
public sealed record GaussianNoise(double Sigma = GaussianNoise.DefaultSigma) : NoiseSpec
{
    public const string Name = "gaussian";
    public const double DefaultSigma = 0.5;

    /// <summary>Standard deviation of the noise before clipping; at least 0.</summary>
    public double Sigma { get; init => field = Check(value, value >= 0, Name, "sigma", ">= 0"); } =
        Check(Sigma, Sigma >= 0, Name, "sigma", ">= 0");

    public override string Kind => Name;
    public override double Parameter => Sigma;

    private protected override Tensor Corrupt(Tensor clean, Generator generator) =>
        empty_like(clean).normal_(0, Sigma, generator).add_(clean);
}
