using System.Globalization;
using Denoise.Randomness;
using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// A kind of corruption applied to clean images in [0,1], with its text form ("gaussian:0.5").
/// Every <see cref="Apply"/> draws from its own generator seeded by the call, so the same seed
/// always gives the same noisy tensor and no global random state is touched.
/// </summary>
public abstract record NoiseSpec
{
    /// <summary>The forms <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string ValidForms = "gaussian:SIGMA, saltpepper:AMOUNT, poisson:PEAK or speckle:SIGMA";

    /// <summary>The kind's name in the text form, e.g. "gaussian".</summary>
    public abstract string Kind { get; }

    /// <summary>The kind's one parameter (sigma, amount or peak).</summary>
    public abstract double Parameter { get; }

    /// <summary>
    /// Returns a new noisy tensor of the same shape, dtype and device as <paramref name="clean"/>,
    /// clipped to [0,1]. The input is not modified.
    /// </summary>
    public Tensor Apply(Tensor clean, long seed)
    {
        ArgumentNullException.ThrowIfNull(clean);
        if (!clean.is_floating_point())
            throw new ArgumentException($"noise {this}: images must be a floating-point tensor in [0,1], got {clean.dtype}", nameof(clean));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = SeededGenerator.Create(seed, clean.device);
        return Corrupt(clean.detach(), generator).clamp_(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Returns the corrupted images (a new tensor; clipping is done by the caller).</summary>
    private protected abstract Tensor Corrupt(Tensor clean, Generator generator);

    public sealed override string ToString() =>
        $"{Kind}:{Parameter.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads "gaussian:0.5", "saltpepper:0.1", "poisson:30" or "speckle:0.3" (kind case-insensitive);
    /// a kind without a value takes its default ("gaussian" is gaussian:0.5).
    /// </summary>
    /// <exception cref="FormatException">The text names no known kind or carries a bad value; the message says which.</exception>
    public static NoiseSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':');
        var kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var valueText = colon < 0 ? null : text[(colon + 1)..].Trim();

        double? value = null;
        if (valueText is not null)
        {
            if (valueText.Length == 0)
                throw Bad(text, $"missing value after ':'");
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                throw Bad(text, $"'{valueText}' is not a number");
            value = parsed;
        }

        try
        {
            return kind switch
            {
                GaussianNoise.Name => new GaussianNoise(value ?? GaussianNoise.DefaultSigma),
                SaltPepperNoise.Name => new SaltPepperNoise(value ?? SaltPepperNoise.DefaultAmount),
                PoissonNoise.Name => new PoissonNoise(value ?? PoissonNoise.DefaultPeak),
                SpeckleNoise.Name => new SpeckleNoise(value ?? SpeckleNoise.DefaultSigma),
                "" => throw Bad(text, "no kind given"),
                _ => throw Bad(text, $"unknown kind '{kind}'"),
            };
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"noise '{text}': {e.Message}", e);
        }
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NoiseSpec? spec)
    {
        spec = null;
        if (text is null) return false;
        try
        {
            spec = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static FormatException Bad(string text, string problem) =>
        new($"noise '{text}': {problem}; use {ValidForms}");

    /// <summary>Throws the range message that <see cref="Parse"/> passes on, e.g. "saltpepper amount must be in [0,1], got 1.5".</summary>
    private protected static double Check(double value, bool ok, string kind, string parameter, string range) =>
        ok && double.IsFinite(value)
            ? value
            : throw new ArgumentException(
                $"{kind} {parameter} must be {range}, got {value.ToString(CultureInfo.InvariantCulture)}");
}
