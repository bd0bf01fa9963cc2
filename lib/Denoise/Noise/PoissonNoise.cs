using System.Text.Json.Serialization;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Shot noise: a pixel of brightness x counts Poisson(x * Peak) photons, x' = count / Peak, clipped.
/// The mean is preserved and the variance is x / Peak, so a lower peak means a noisier image.
/// Peak is in [1, 1e6]: below one photon any photon is brighter than white and clips, so the image turns binary
/// (and a peak near 1e-300 gives 0/0 = NaN); at 1e6 a white pixel's noise (std 0.001) is a quarter of an 8-bit grey step,
/// and far above it libtorch's float32 sampler returns garbage (mean 0.004 instead of 0.5 at 1e20, measured).
/// </summary>
[JsonConverter(typeof(NoiseSpecJsonConverter))] // the base's attribute is not inherited: JSON reads a kind by its own type too
public sealed record PoissonNoise : NoiseSpec
{
    public const string Name = "poisson";
    public const double DefaultPeak = 30;

    /// <summary>The kind's name, parameter, valid interval and default.</summary>
    public static NoiseKind Definition { get; } = new(Name, "peak", 1, 1_000_000, DefaultPeak);

    /// <summary>Noise of one level, or with <paramref name="upTo"/> a range: each image then draws its own peak
    /// uniformly from [peak, upTo] (blind denoising).</summary>
    /// <exception cref="ArgumentException">A level is outside [1, 1e6], or upTo is not above peak.</exception>
    public PoissonNoise(double peak = DefaultPeak, double? upTo = null) : base(Definition, peak, upTo) { }

    /// <summary>Photon count of a white pixel (the low end for a range).</summary>
    public double Peak => Parameter;

    private protected override Tensor Corrupt(Tensor clean, Tensor peak, Generator generator) =>
        poisson(clean.clamp(Scalars.Zero, Scalars.One).mul_(peak), generator).div_(peak);
}
