using Denoise.Randomness;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>
/// The test digits laid out three ways (<see cref="DigitLayout"/>), so that a model is scored on digits wherever they
/// are and not only where MNIST puts them. The layouts are fixed: drawn from SplitMix64 with the layouts' own
/// <see cref="Seed"/> and drawn with <see cref="DigitCanvas"/>'s double arithmetic, rounded to bytes, so every run on
/// every machine scores the same images (a test pins their SHA-256). The first N images of a layout are the same
/// whatever the set's size, so a limited run scores a prefix of the full set.
/// </summary>
public static class DigitLayouts
{
    /// <summary>The most a shifted digit moves, in pixels, up or down and left or right.</summary>
    public const int MaxShift = 6;

    /// <summary>The canvas of a strip: wider than a digit, and tall enough for the largest digits moved up or down.</summary>
    public const int StripHeight = 48;

    public const int StripWidth = 128;

    /// <summary>The test digits each strip takes (it shows the first three to five of them).</summary>
    public const int DigitsPerStrip = 5;

    /// <summary>The layouts' own seed: the same images for every model, whatever seed it was trained or is scored with.</summary>
    public const long Seed = 20_17;

    /// <summary>The names <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string ValidNames = "centred, shifted or strips";

    /// <summary>The scale of a strip's digits: a whole strip draws one, each digit varies it by up to 8 %.</summary>
    internal const double SmallestStripScale = 0.8, LargestStripScale = 1.25, DigitScaleSpread = 0.08;

    /// <summary>The space between two digits' ink, in pixels (negative: they overlap a little, as handwriting does).</summary>
    internal const int NarrowestGap = -2, WidestGap = 6;

    /// <summary>How far a strip's digit moves up or down from the strip's line.</summary>
    internal const int StripJitter = 3;

    private const long ShiftStream = 0x5157_0001, StripStream = 0x5157_0002;

    /// <summary>The command-line name of a layout: centred, shifted or strips.</summary>
    public static string Name(DigitLayout layout) => layout switch
    {
        DigitLayout.Centred => "centred",
        DigitLayout.Shifted => "shifted",
        DigitLayout.Strips => "strips",
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown layout"),
    };

    /// <summary>Reads a layout's name (case-insensitive).</summary>
    /// <exception cref="FormatException">Another text; the message names it and the valid names.</exception>
    public static DigitLayout Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var form = text.Trim().ToLowerInvariant();
        foreach (var layout in Enum.GetValues<DigitLayout>())
            if (Name(layout) == form)
                return layout;
        throw new FormatException($"layout '{text}' is not known; use {ValidNames}");
    }

    /// <summary>The test digits that <paramref name="images"/> images of <paramref name="layout"/> take.</summary>
    public static int DigitsFor(DigitLayout layout, int images) => layout == DigitLayout.Strips ? checked(images * DigitsPerStrip) : images;

    /// <summary>
    /// The images of <paramref name="layout"/> made from <paramref name="digits"/> (N × 1 × 28 × 28 in [0, 1]), as a new
    /// set the caller owns: centred, a copy; shifted, N digits with their labels; strips, N / <see cref="DigitsPerStrip"/>
    /// images of <see cref="StripHeight"/> × <see cref="StripWidth"/> whose labels are the numbers they show.
    /// </summary>
    public static DigitSet Arrange(DigitSet digits, DigitLayout layout)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var images = digits.Images;
        if (images.dim() != 4 || images.shape[1] != 1)
            throw new ArgumentException($"digits must be N x 1 x H x W, got {string.Join(" x ", images.shape)}", nameof(digits));
        var (count, height, width) = ((int)images.shape[0], (int)images.shape[2], (int)images.shape[3]);
        switch (layout)
        {
            case DigitLayout.Centred:
                return new DigitSet(digits.Name, images.clone().DetachFromDisposeScope(), digits.Labels.clone().DetachFromDisposeScope());
            case DigitLayout.Shifted:
                {
                    var pixels = ToBytes(images);
                    var shifted = new byte[pixels.Length];
                    var size = height * width;
                    for (var i = 0; i < count; i++)
                    {
                        var canvas = Shift(pixels.AsSpan(i * size, size), height, width, SplitMix64.For(Seed ^ ShiftStream, i));
                        canvas.Pixels.CopyTo(shifted, i * size);
                    }
                    return new DigitSet($"{digits.Name}, shifted", FromBytes(shifted, count, height, width),
                        digits.Labels.clone().DetachFromDisposeScope());
                }
            case DigitLayout.Strips:
                {
                    var strips = count / DigitsPerStrip;
                    if (strips == 0)
                        throw new ArgumentException($"strips take {DigitsPerStrip} digits each, got {count}", nameof(digits));
                    var pixels = ToBytes(images);
                    var labels = digits.Labels.data<long>().ToArray();
                    var canvases = new byte[strips * StripHeight * StripWidth];
                    var numbers = new long[strips];
                    for (var j = 0; j < strips; j++)
                    {
                        var (canvas, number) = Strip(pixels, labels, j * DigitsPerStrip, height, width, SplitMix64.For(Seed ^ StripStream, j));
                        canvas.Pixels.CopyTo(canvases, j * StripHeight * StripWidth);
                        numbers[j] = number;
                    }
                    return new DigitSet($"{digits.Name}, strips", FromBytes(canvases, strips, StripHeight, StripWidth),
                        tensor(numbers).DetachFromDisposeScope());
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown layout");
        }
    }

    /// <summary>One digit moved by whole pixels in [-<see cref="MaxShift"/>, <see cref="MaxShift"/>] each way, black filling in.</summary>
    private static DigitCanvas Shift(ReadOnlySpan<byte> digit, int height, int width, SplitMix64 random)
    {
        var (down, right) = (random.NextInt(-MaxShift, MaxShift), random.NextInt(-MaxShift, MaxShift));
        var canvas = new DigitCanvas(height, width);
        canvas.Stamp(digit, height, width, scale: 1, top: down, left: right);
        return canvas;
    }

    /// <summary>
    /// Strip j: three to five of its digits in a row, one scale for the strip (each digit varying it a little), each gap
    /// between their ink drawn anew, each digit a little up or down, the row placed anywhere it fits. A row too wide for
    /// the canvas is scaled down until it fits. Returns the canvas and the number it shows.
    /// </summary>
    private static (DigitCanvas Canvas, long Number) Strip(byte[] pixels, long[] labels, int first, int height, int width, SplitMix64 random)
    {
        var size = height * width;
        var shown = random.NextInt(3, DigitsPerStrip);
        var stripScale = random.NextDouble(SmallestStripScale, LargestStripScale);
        var scales = new double[shown];
        var gaps = new int[shown];
        var jitters = new int[shown];
        var ink = new (int First, int Last)[shown];
        for (var d = 0; d < shown; d++)
        {
            scales[d] = stripScale * random.NextDouble(1 - DigitScaleSpread, 1 + DigitScaleSpread);
            gaps[d] = d == 0 ? 0 : random.NextInt(NarrowestGap, WidestGap);
            jitters[d] = random.NextInt(-StripJitter, StripJitter);
            ink[d] = DigitCanvas.InkColumns(pixels.AsSpan((first + d) * size, size), height, width);
        }

        double InkWidth(int d) => (ink[d].Last - ink[d].First + 1) * scales[d];
        var room = StripWidth - 4.0 - gaps.Sum();
        var inkWidths = Enumerable.Range(0, shown).Sum(InkWidth);
        if (inkWidths > room)
            for (var d = 0; d < shown; d++)
                scales[d] *= room / inkWidths;
        var rowWidth = gaps.Sum() + Enumerable.Range(0, shown).Sum(InkWidth);
        var cursor = random.NextDouble(2, Math.Max(2, StripWidth - 2 - rowWidth));
        var tallest = height * scales.Max();
        var middle = random.NextDouble(tallest / 2 + StripJitter, Math.Max(tallest / 2 + StripJitter, StripHeight - tallest / 2 - StripJitter));

        var canvas = new DigitCanvas(StripHeight, StripWidth);
        long number = 0;
        for (var d = 0; d < shown; d++)
        {
            cursor += gaps[d];
            var top = middle + jitters[d] - height * scales[d] / 2;
            canvas.Stamp(pixels.AsSpan((first + d) * size, size), height, width, scales[d], top, cursor - ink[d].First * scales[d]);
            cursor += InkWidth(d);
            number = number * 10 + labels[first + d];
        }
        return (canvas, number);
    }

    /// <summary>Images in [0, 1] as the bytes they were made from (each value × 255, rounded).</summary>
    internal static byte[] ToBytes(Tensor images)
    {
        using var asFloat = images.to_type(ScalarType.Float32).contiguous();
        var values = asFloat.data<float>().ToArray();
        var bytes = new byte[values.Length];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)Math.Clamp(Math.Round(values[i] * 255.0), 0, 255);
        return bytes;
    }

    /// <summary>N × 1 × H × W float32 images from bytes, converted as <see cref="DataSets"/> converts the files' bytes.</summary>
    internal static Tensor FromBytes(byte[] bytes, int count, int height, int width)
    {
        using var raw = tensor(bytes, [count, 1, height, width], ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).div_(Scalars.ByteMax).DetachFromDisposeScope();
    }
}
