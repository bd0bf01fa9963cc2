using System.Text.Json.Serialization;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Additive white Gaussian noise, x + sigma * N(0,1) clipped to [0,1]: the kind of noise the Keras denoising notebook
/// this project re-creates adds to its digits (it does not state its level; sigma = 0.5 is our choice).
/// Sigma is in [0, 10]: at 10 only about 4% of pixels (1 / (sigma * sqrt(2 pi))) stay strictly between black and white,
/// so a larger sigma no longer changes the picture, only moves it towards float overflow.
/// </summary>
[JsonConverter(typeof(NoiseSpecJsonConverter))] // the base's attribute is not inherited: JSON reads a kind by its own type too
public sealed record GaussianNoise : NoiseSpec
{
    public const string Name = "gaussian";
    public const double DefaultSigma = 0.5;

    /// <summary>The kind's name, parameter, valid interval and default.</summary>
    public static NoiseKind Definition { get; } = new(Name, "sigma", 0, 10, DefaultSigma);

    /// <summary>Noise of one level, or with <paramref name="upTo"/> a range: each image then draws its own sigma
    /// uniformly from [sigma, upTo] (blind denoising).</summary>
    /// <exception cref="ArgumentException">A level is outside [0, 10], or upTo is not above sigma.</exception>
    public GaussianNoise(double sigma = DefaultSigma, double? upTo = null) : base(Definition, sigma, upTo) { }

    /// <summary>Standard deviation of the noise before clipping (the low end for a range).</summary>
    public double Sigma => Parameter;

    private protected override Tensor Corrupt(Tensor clean, Tensor sigma, Generator generator) =>
        empty_like(clean).normal_(0, 1, generator).mul_(sigma).add_(clean, Scalars.One);
}
