using System.Text.Json.Serialization;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Multiplicative noise: x + x * Sigma * N(0,1), clipped; black pixels stay black.
/// Sigma is in [0, 10], as for <see cref="GaussianNoise"/>: a white pixel is then already almost always clipped, and far larger
/// factors overflow float32 to infinity, which times a black pixel gives NaN (measured from sigma 1e38).
/// </summary>
[JsonConverter(typeof(NoiseSpecJsonConverter))] // the base's attribute is not inherited: JSON reads a kind by its own type too
public sealed record SpeckleNoise : NoiseSpec
{
    public const string Name = "speckle";
    public const double DefaultSigma = 0.3;

    /// <summary>The kind's name, parameter, valid interval and default.</summary>
    public static NoiseKind Definition { get; } = new(Name, "sigma", 0, 10, DefaultSigma);

    /// <summary>Noise of one level, or with <paramref name="upTo"/> a range: each image then draws its own sigma
    /// uniformly from [sigma, upTo] (blind denoising).</summary>
    /// <exception cref="ArgumentException">A level is outside [0, 10], or upTo is not above sigma.</exception>
    public SpeckleNoise(double sigma = DefaultSigma, double? upTo = null) : base(Definition, sigma, upTo) { }

    /// <summary>Relative standard deviation of the noise (the low end for a range).</summary>
    public double Sigma => Parameter;

    private protected override Tensor Corrupt(Tensor clean, Tensor sigma, Generator generator) =>
        // One level keeps normal_(1, sigma): its fused multiply-add differs in the last bit from sigma * z + 1, and
        // earlier results with one level stay exactly the same.
        (sigma.dim() == 0
            ? empty_like(clean).normal_(1, sigma.item<double>(), generator)
            : empty_like(clean).normal_(0, 1, generator).mul_(sigma).add_(Scalars.One, Scalars.One)).mul_(clean);
}
