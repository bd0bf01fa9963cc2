using System.Text.Json.Serialization;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Impulse noise: each pixel independently becomes 0 (pepper) with probability Amount/2
/// and 1 (salt) with probability Amount/2; the rest keep their value. Amount is a probability, in [0, 1].
/// </summary>
[JsonConverter(typeof(NoiseSpecJsonConverter))] // the base's attribute is not inherited: JSON reads a kind by its own type too
public sealed record SaltPepperNoise : NoiseSpec
{
    public const string Name = "saltpepper";
    public const double DefaultAmount = 0.1;

    /// <summary>The kind's name, parameter, valid interval and default.</summary>
    public static NoiseKind Definition { get; } = new(Name, "amount", 0, 1, DefaultAmount);

    /// <summary>Noise of one level, or with <paramref name="upTo"/> a range: each image then draws its own amount
    /// uniformly from [amount, upTo] (blind denoising).</summary>
    /// <exception cref="ArgumentException">A level is outside [0, 1], or upTo is not above amount.</exception>
    public SaltPepperNoise(double amount = DefaultAmount, double? upTo = null) : base(Definition, amount, upTo) { }

    /// <summary>Expected fraction of pixels replaced (the low end for a range).</summary>
    public double Amount => Parameter;

    private protected override Tensor Corrupt(Tensor clean, Tensor amount, Generator generator)
    {
        // One uniform draw per pixel decides both cases: [0, a/2) is pepper, [1 - a/2, 1) is salt, never both.
        var u = empty_like(clean).uniform_(0, 1, generator);
        var half = amount.div(Scalars.Two);
        return clean.masked_fill(u.lt(half), Scalars.Zero).masked_fill_(u.ge(half.neg().add_(Scalars.One, Scalars.One)), Scalars.One);
    }
}
