using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Denoise.Randomness;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>
/// How training digits are moved before the noise goes on, so that a model learns digits wherever they are and not
/// only where MNIST centres them. Each image of a batch draws, from its own SplitMix64 stream seeded by the batch's seed:
/// to stay as it is (a share <see cref="Unmoved"/>), to be a patch of a house-number strip of its batch's digits with
/// itself in the middle (a share <see cref="Composites"/>), or else to be moved by up to <see cref="Shift"/> pixels each
/// way and scaled by a factor in [<see cref="MinScale"/>, <see cref="MaxScale"/>], black filling in (no wrap-around).
/// The pixels are drawn by <see cref="DigitCanvas"/> in double arithmetic and rounded to bytes, so a batch and its seed
/// give the same images on every machine. Its text form, in options, model files and on the command line, is
/// "none" or, for example, "shift:6,scale:0.8-1.2,composite:0.25,unmoved:0.5".
/// </summary>
[JsonConverter(typeof(TextConverter))]
public sealed record DigitAugmentation
{
    /// <summary>The forms <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string ValidForms =
        "none, or any of shift:PIXELS (0 to 14), scale:LOW-HIGH (0.5 to 2), composite:SHARE and unmoved:SHARE (shares 0 to 1, together at most 1), "
        + "joined by commas, such as shift:6,scale:0.8-1.2,composite:0.25,unmoved:0.5";

    public const int MostShift = 14;
    public const double SmallestScale = 0.5, LargestScale = 2;

    /// <summary>No augmentation: every digit as the data set has it.</summary>
    public static DigitAugmentation None { get; } = new();

    /// <summary>The most pixels a moved digit moves, each way, up or down and left or right.</summary>
    public int Shift { get; init; }

    /// <summary>The smallest scale of a moved digit (1: the data set's size).</summary>
    public double MinScale { get; init; } = 1;

    /// <summary>The largest scale of a moved digit.</summary>
    public double MaxScale { get; init; } = 1;

    /// <summary>The share of images that are patches cut from a strip of several digits.</summary>
    public double Composites { get; init; }

    /// <summary>The share of images left as they are, so that the data set's own layout stays well learnt.</summary>
    public double Unmoved { get; init; }

    /// <summary>True when no image would change.</summary>
    public bool IsNone => (Shift == 0 && MinScale == 1 && MaxScale == 1 && Composites == 0) || Unmoved == 1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first part that cannot work.</summary>
    public void Validate()
    {
        static void Require(bool ok, string problem)
        {
            if (!ok)
                throw new ArgumentException(problem);
        }

        Require(Shift is >= 0 and <= MostShift, $"shift must be 0 to {MostShift} pixels, got {Shift}");
        Require(MinScale is >= SmallestScale and <= LargestScale && MaxScale is >= SmallestScale and <= LargestScale,
            $"scale must lie in [{Text(SmallestScale)}, {Text(LargestScale)}], got {Text(MinScale)}-{Text(MaxScale)}");
        Require(MinScale <= MaxScale, $"scale LOW-HIGH needs LOW at most HIGH, got {Text(MinScale)}-{Text(MaxScale)}");
        Require(Composites is >= 0 and <= 1, $"composite must be a share from 0 to 1, got {Text(Composites)}");
        Require(Unmoved is >= 0 and <= 1, $"unmoved must be a share from 0 to 1, got {Text(Unmoved)}");
        Require(Composites + Unmoved <= 1, $"composite and unmoved shares add up to {Text(Composites + Unmoved)}, more than 1");
    }

    /// <summary>
    /// The batch <paramref name="clean"/> (N × 1 × H × W in [0, 1]) augmented: a new tensor of the same shape. The same
    /// batch and <paramref name="seed"/> always give the same images; image i depends only on the seed, i and the batch.
    /// </summary>
    public Tensor Apply(Tensor clean, long seed)
    {
        ArgumentNullException.ThrowIfNull(clean);
        if (clean.dim() != 4 || clean.shape[1] != 1)
            throw new ArgumentException($"images to augment must be N x 1 x H x W, got {string.Join(" x ", clean.shape)}", nameof(clean));
        if (IsNone)
            return clean.clone();
        var (count, height, width) = ((int)clean.shape[0], (int)clean.shape[2], (int)clean.shape[3]);
        var size = height * width;
        var pixels = DigitLayouts.ToBytes(clean);
        var output = new byte[pixels.Length];
        for (var i = 0; i < count; i++)
        {
            var random = SplitMix64.For(seed, i);
            var draw = random.NextDouble();
            var target = output.AsSpan(i * size, size);
            if (draw < Unmoved)
                pixels.AsSpan(i * size, size).CopyTo(target);
            else if (draw < Unmoved + Composites)
                Composite(pixels, count, i, height, width, random).CopyTo(target);
            else
                Move(pixels.AsSpan(i * size, size), height, width, random).CopyTo(target);
        }
        return DigitLayouts.FromBytes(output, count, height, width).to(clean.device);
    }

    /// <summary>One digit scaled about its centre and moved by whole pixels, on a frame of its own size.</summary>
    private byte[] Move(ReadOnlySpan<byte> digit, int height, int width, SplitMix64 random)
    {
        var scale = random.NextDouble(MinScale, MaxScale);
        var (down, right) = (random.NextInt(-Shift, Shift), random.NextInt(-Shift, Shift));
        var canvas = new DigitCanvas(height, width);
        canvas.Stamp(digit, height, width, scale, (height - height * scale) / 2 + down, (width - width * scale) / 2 + right);
        return canvas.Pixels;
    }

    /// <summary>
    /// A patch of a strip of three digits of the batch, image <paramref name="index"/> in the middle between the two after
    /// it: each scaled like a moved digit, the gaps between their ink and their heights varied as in the test strips
    /// (<see cref="DigitLayouts"/>); the patch is centred on the middle digit, moved by up to <see cref="Shift"/> pixels.
    /// </summary>
    private byte[] Composite(byte[] pixels, int count, int index, int height, int width, SplitMix64 random)
    {
        var size = height * width;
        int[] digits = [(index + 1) % count, index, (index + 2) % count];
        var scales = digits.Select(_ => random.NextDouble(MinScale, MaxScale)).ToArray();
        var gaps = new[] { random.NextInt(DigitLayouts.NarrowestGap, DigitLayouts.WidestGap), random.NextInt(DigitLayouts.NarrowestGap, DigitLayouts.WidestGap) };
        var jitters = digits.Select(_ => random.NextInt(-DigitLayouts.StripJitter, DigitLayouts.StripJitter)).ToArray();
        var (down, right) = (random.NextInt(-Shift, Shift), random.NextInt(-Shift, Shift));
        var ink = digits.Select(d => DigitCanvas.InkColumns(pixels.AsSpan(d * size, size), height, width)).ToArray();

        // The middle digit's ink is centred in the patch (then moved); its neighbours' ink starts and ends a gap away.
        var canvas = new DigitCanvas(height, width);
        var middleInk = (ink[1].Last - ink[1].First + 1) * scales[1];
        var inkLeft = (width - middleInk) / 2 + right;
        var inkRight = inkLeft + middleInk;
        double[] lefts =
        [
            inkLeft - gaps[0] - (ink[0].Last + 1) * scales[0],
            inkLeft - ink[1].First * scales[1],
            inkRight + gaps[1] - ink[2].First * scales[2],
        ];
        for (var d = 0; d < digits.Length; d++)
        {
            var top = (height - height * scales[d]) / 2 + down + jitters[d];
            canvas.Stamp(pixels.AsSpan(digits[d] * size, size), height, width, scales[d], top, lefts[d]);
        }
        return canvas.Pixels;
    }

    public override string ToString()
    {
        if (this == None)
            return "none";
        var parts = new List<string>();
        if (Shift != 0)
            parts.Add($"shift:{Shift.ToString(CultureInfo.InvariantCulture)}");
        if (MinScale != 1 || MaxScale != 1)
            parts.Add(MinScale == MaxScale ? $"scale:{Text(MinScale)}" : $"scale:{Text(MinScale)}-{Text(MaxScale)}");
        if (Composites != 0)
            parts.Add($"composite:{Text(Composites)}");
        if (Unmoved != 0)
            parts.Add($"unmoved:{Text(Unmoved)}");
        return string.Join(',', parts);
    }

    /// <summary>Reads "none" or parts such as "shift:6,scale:0.8-1.2,composite:0.25,unmoved:0.5" (in any order, case-insensitive).</summary>
    /// <exception cref="FormatException">An unknown or repeated part, a bad number, or values that cannot work; the message names the text and says which.</exception>
    public static DigitAugmentation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var form = text.Trim().ToLowerInvariant();
        if (form == "none")
            return None;
        var result = None;
        var seen = new HashSet<string>();
        foreach (var part in form.Split(','))
        {
            var colon = part.IndexOf(':');
            var (name, value) = colon < 0 ? (part.Trim(), "") : (part[..colon].Trim(), part[(colon + 1)..].Trim());
            if (!seen.Add(name))
                throw Bad(text, $"'{name}' is given twice");
            result = name switch
            {
                "shift" => result with { Shift = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pixels) ? pixels : throw Bad(text, $"shift '{value}' is not a whole number of pixels") },
                "scale" => WithScale(result, ParseScale(text, value)),
                "composite" => result with { Composites = Number(text, name, value) },
                "unmoved" => result with { Unmoved = Number(text, name, value) },
                _ => throw Bad(text, name.Length == 0 ? "an empty part" : $"unknown part '{name}'"),
            };
        }
        try
        {
            result.Validate();
        }
        catch (ArgumentException e)
        {
            throw Bad(text, e.Message);
        }
        return result;
    }

    private static DigitAugmentation WithScale(DigitAugmentation augmentation, (double Low, double High) scale) =>
        augmentation with { MinScale = scale.Low, MaxScale = scale.High };

    /// <summary>"A" (one scale) or "LOW-HIGH".</summary>
    private static (double Low, double High) ParseScale(string text, string value)
    {
        var dash = value.Length > 1 ? value.IndexOf('-', 1) : -1;
        var low = Number(text, "scale", dash < 0 ? value : value[..dash]);
        return (low, dash < 0 ? low : Number(text, "scale", value[(dash + 1)..]));
    }

    private static double Number(string text, string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw Bad(text, $"{name} '{value}' is not a number");

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static FormatException Bad(string text, string problem) =>
        new($"augmentation '{text}': {problem}; use {ValidForms}");

    /// <summary>Writes an augmentation as its text form and reads it back through <see cref="Parse"/>.</summary>
    internal sealed class TextConverter : JsonConverter<DigitAugmentation>
    {
        public override DigitAugmentation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("an augmentation must be a string such as \"none\"");
            try
            {
                return Parse(text);
            }
            catch (FormatException e)
            {
                throw new JsonException(e.Message, e);
            }
        }

        public override void Write(Utf8JsonWriter writer, DigitAugmentation value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
