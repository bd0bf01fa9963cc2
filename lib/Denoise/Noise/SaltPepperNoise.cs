using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// Impulse noise: each pixel independently becomes 0 (pepper) with probability Amount/2
/// and 1 (salt) with probability Amount/2; the rest keep their value.
/// </summary>
public sealed record SaltPepperNoise(double Amount = SaltPepperNoise.DefaultAmount) : NoiseSpec
{
    public const string Name = "saltpepper";
    public const double DefaultAmount = 0.1;

    /// <summary>Expected fraction of pixels replaced; in [0,1].</summary>
    public double Amount { get; init => field = Check(value, value is >= 0 and <= 1, Name, "amount", "in [0,1]"); } =
        Check(Amount, Amount is >= 0 and <= 1, Name, "amount", "in [0,1]");

    public override string Kind => Name;
    public override double Parameter => Amount;

    private protected override Tensor Corrupt(Tensor clean, Generator generator)
    {
        // One uniform draw per pixel decides both cases: [0, a/2) is pepper, [1 - a/2, 1) is salt, never both.
        var u = empty_like(clean).uniform_(0, 1, generator);
        return clean.masked_fill(u.lt(Amount / 2), 0).masked_fill_(u.ge(1 - Amount / 2), 1);
    }
}
