using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;
using Denoise.Randomness;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Noise;

/// <summary>
/// A kind of corruption applied to clean images in [0,1], with its text form: "gaussian:0.5" for one level, or
/// "gaussian:0.1-0.9" for a range, from which each image draws its own level uniformly (blind denoising).
/// Every <see cref="Apply"/> draws from its own generator seeded by the call, so the same seed
/// always gives the same noisy tensor and no global random state is touched.
/// In JSON a spec is its text form, a string such as "gaussian:0.5"; reading a bad one throws a JsonException that says why.
/// </summary>
[JsonConverter(typeof(NoiseSpecJsonConverter))]
public abstract record NoiseSpec
{
    private readonly NoiseKind definition;

    /// <summary>Every kind, in the order help texts list them.</summary>
    public static IReadOnlyList<NoiseKind> Kinds { get; } =
        [GaussianNoise.Definition, SaltPepperNoise.Definition, PoissonNoise.Definition, SpeckleNoise.Definition];

    /// <summary>The kinds' forms alone: "gaussian:SIGMA, saltpepper:AMOUNT, poisson:PEAK or speckle:SIGMA".</summary>
    public static string KindForms { get; } =
        string.Join(", ", Kinds.SkipLast(1).Select(k => k.Form)) + " or " + Kinds[^1].Form;

    /// <summary>
    /// The forms <see cref="Parse"/> accepts with each parameter's valid interval and the range form, for help texts and
    /// error messages: "gaussian:SIGMA, ... or speckle:SIGMA; SIGMA in [0,10], ...; a range LOW-HIGH such as gaussian:0.1-0.9 ...".
    /// </summary>
    public static string ValidForms { get; } =
        $"{KindForms}; {string.Join(", ", Kinds.Select(k => $"{k.Name} {k.Parameter.ToUpperInvariant()} in {k.Interval}"))}; " +
        $"a range LOW-HIGH such as {GaussianNoise.Name}:0.1-0.9 gives each image its own level, drawn uniformly; " +
        $"a level may be a fraction such as {GaussianNoise.Name}:25/255";

    private protected NoiseSpec(NoiseKind definition, double parameter, double? upTo)
    {
        this.definition = definition;
        Parameter = definition.Check(parameter);
        if (upTo is not { } high)
            return;
        MaxParameter = definition.Check(high);
        if (!(parameter < high))
            throw new ArgumentException(
                $"a range LOW-HIGH needs LOW below HIGH, got {NoiseKind.Text(parameter)}-{NoiseKind.Text(high)}; for one level write {definition.Name}:{NoiseKind.Text(parameter)}");
    }

    /// <summary>The kind's name in the text form, e.g. "gaussian".</summary>
    public string Kind => definition.Name;

    /// <summary>The kind's one parameter (sigma, amount or peak); for a range, its low end.</summary>
    public double Parameter { get; }

    /// <summary>The high end of a range of levels, or null for one level.</summary>
    public double? MaxParameter { get; }

    /// <summary>True when each image draws its own level from [<see cref="Parameter"/>, <see cref="MaxParameter"/>].</summary>
    [MemberNotNullWhen(true, nameof(MaxParameter))]
    public bool IsRange => MaxParameter is not null;

    /// <summary>
    /// Returns a new noisy tensor of the same shape, dtype and device as <paramref name="clean"/>,
    /// clipped to [0,1]. The input is not modified. For a range, the images are the first dimension of a tensor of
    /// rank 3 or more (N x 1 x H x W, N x H x W, or one 1 x H x W image); a tensor of lower rank is one image.
    /// </summary>
    public Tensor Apply(Tensor clean, long seed)
    {
        ArgumentNullException.ThrowIfNull(clean);
        if (!clean.is_floating_point())
            throw new ArgumentException($"noise {this}: images must be a floating-point tensor in [0,1], got {clean.dtype}", nameof(clean));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = SeededGenerator.Create(seed, clean.device);
        var level = DrawLevels(clean, generator);
        return Corrupt(clean.detach(), level, generator).clamp_(Scalars.Zero, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>The level each image gets from <see cref="Apply"/> with the same images and seed: float64, one per image.</summary>
    public Tensor Levels(Tensor images, long seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        using var generator = SeededGenerator.Create(seed, images.device);
        return DrawLevels(images, generator).reshape(-1).expand(ImageCount(images)).clone().MoveToOuterDisposeScope();
    }

    /// <summary>The parameter as a tensor that broadcasts over the images: one value, or one per image drawn first from the generator.</summary>
    private Tensor DrawLevels(Tensor images, Generator generator)
    {
        if (!IsRange)
            return tensor(Parameter, ScalarType.Float64, images.device);
        long[] shape = images.dim() >= 3
            ? [images.shape[0], .. Enumerable.Repeat(1L, (int)images.dim() - 1)]
            : [.. Enumerable.Repeat(1L, (int)images.dim())];
        return empty(shape, ScalarType.Float64, images.device).uniform_(Parameter, MaxParameter.Value, generator);
    }

    private static long ImageCount(Tensor images) => images.dim() >= 3 ? images.shape[0] : 1;

    /// <summary>Returns the corrupted images (a new tensor; clipping is done by the caller). <paramref name="level"/> is
    /// float64 and broadcasts over the images: a single value, or N x 1 x ... x 1 for a range.</summary>
    private protected abstract Tensor Corrupt(Tensor clean, Tensor level, Generator generator);

    public sealed override string ToString() =>
        $"{Kind}:{NoiseKind.Text(Parameter)}" + (IsRange ? $"-{NoiseKind.Text(MaxParameter.Value)}" : "");

    /// <summary>
    /// Reads "gaussian:0.5", "saltpepper:0.1", "poisson:30" or "speckle:0.3" (kind case-insensitive), or a range such as
    /// "gaussian:0.1-0.9", a level also as a fraction ("gaussian:25/255"); a kind without a value takes its default ("gaussian" is gaussian:0.5). Every level must lie in
    /// its kind's interval (<see cref="ValidForms"/>), so what is parsed is noise libtorch can draw.
    /// </summary>
    /// <exception cref="FormatException">The text names no known kind or carries a bad value or range; the one-line message names the text and says which.</exception>
    public static NoiseSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':');
        var name = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var valueText = colon < 0 ? null : text[(colon + 1)..].Trim();

        var kind = Kinds.FirstOrDefault(k => k.Name == name)
            ?? throw Bad(text, name.Length == 0 ? "no kind given" : $"unknown kind '{name}'");
        var (level, upTo) = valueText is null ? (kind.Default, null) : ParseLevels(text, valueText);
        try
        {
            return kind.Name switch
            {
                GaussianNoise.Name => new GaussianNoise(level, upTo),
                SaltPepperNoise.Name => new SaltPepperNoise(level, upTo),
                PoissonNoise.Name => new PoissonNoise(level, upTo),
                SpeckleNoise.Name => new SpeckleNoise(level, upTo),
                _ => throw new UnreachableException($"noise kind {kind.Name} has no constructor here"),
            };
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"noise '{text}': {e.Message}", e);
        }
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out NoiseSpec? spec)
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

    /// <summary>One number, or LOW-HIGH split at a '-' that is neither a leading sign nor an exponent's sign.</summary>
    private static (double Level, double? UpTo) ParseLevels(string text, string valueText)
    {
        if (valueText.Length == 0)
            throw Bad(text, "missing value after ':'");
        if (Number(valueText) is { } level)
            return (level, null);
        for (var i = 1; i < valueText.Length; i++)
        {
            if (valueText[i] == '-' && valueText[i - 1] is not ('e' or 'E')
                && Number(valueText[..i]) is { } low && Number(valueText[(i + 1)..]) is { } high)
                return (low, high);
        }
        throw Bad(text, $"'{valueText}' is neither a number nor a range LOW-HIGH");
    }

    /// <summary>A number, or a fraction A/B of two (25/255: a level in grey levels of 8-bit images).</summary>
    private static double? Number(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0)
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
        return Number(text[..slash]) is { } numerator && text.IndexOf('/', slash + 1) < 0
            && Number(text[(slash + 1)..]) is { } denominator && denominator > 0 && double.IsFinite(denominator)
            ? numerator / denominator : null;
    }

    private static FormatException Bad(string text, string problem) =>
        new($"noise '{text}': {problem}; use {ValidForms}");
}
