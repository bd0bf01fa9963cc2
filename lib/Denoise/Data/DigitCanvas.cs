namespace Denoise.Data;

/// <summary>
/// Digits drawn onto a canvas of 8-bit pixels, in managed arrays with the project's own double arithmetic: the same
/// input gives the same bytes on every machine (torch's resampling kernels differ between CPUs). Test layouts and
/// training augmentations (<see cref="DigitLayouts"/>, <see cref="DigitAugmentation"/>) are made with it.
/// </summary>
internal sealed class DigitCanvas
{
    public DigitCanvas(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Height = height;
        Width = width;
        Pixels = new byte[height * width];
    }

    public int Height { get; }
    public int Width { get; }

    /// <summary>Row-major pixels, 0 (black) to 255 (white ink).</summary>
    public byte[] Pixels { get; }

    /// <summary>
    /// Draws <paramref name="digit"/> (<paramref name="height"/> × <paramref name="width"/> bytes, row-major) scaled by
    /// <paramref name="scale"/> with its top-left corner at (<paramref name="top"/>, <paramref name="left"/>) canvas
    /// pixels, keeping the brighter pixel where it overlaps what is there. Each canvas pixel centre is mapped back into
    /// the digit and interpolated bilinearly from its four neighbours (black outside the digit), in double, then rounded
    /// to the nearest byte. At scale 1 on whole pixels this is an exact copy; parts outside the canvas are cut off.
    /// </summary>
    public void Stamp(ReadOnlySpan<byte> digit, int height, int width, double scale, double top, double left)
    {
        if (digit.Length != height * width)
            throw new ArgumentException($"a {height} x {width} digit needs {height * width} bytes, got {digit.Length}", nameof(digit));
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "the scale must be a positive number");
        // Canvas rows and columns whose centres map inside the digit or within a pixel of it; the rest stay as they are.
        var (firstRow, lastRow) = Span(top, scale, height, Height);
        var (firstColumn, lastColumn) = Span(left, scale, width, Width);
        for (var y = firstRow; y <= lastRow; y++)
        {
            var v = (y + 0.5 - top) / scale - 0.5;
            var y0 = (int)Math.Floor(v);
            var fy = v - y0;
            for (var x = firstColumn; x <= lastColumn; x++)
            {
                var u = (x + 0.5 - left) / scale - 0.5;
                var x0 = (int)Math.Floor(u);
                var fx = u - x0;
                var value = (1 - fy) * ((1 - fx) * At(digit, height, width, y0, x0) + fx * At(digit, height, width, y0, x0 + 1))
                    + fy * ((1 - fx) * At(digit, height, width, y0 + 1, x0) + fx * At(digit, height, width, y0 + 1, x0 + 1));
                var level = (byte)Math.Clamp(Math.Round(value), 0, 255);
                ref var pixel = ref Pixels[y * Width + x];
                if (level > pixel)
                    pixel = level;
            }
        }
    }

    /// <summary>The first and last columns (0-based) of <paramref name="digit"/> that hold ink, or (0, width - 1) for an empty one.</summary>
    public static (int First, int Last) InkColumns(ReadOnlySpan<byte> digit, int height, int width)
    {
        int first = width, last = -1;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                if (digit[y * width + x] == 0)
                    continue;
                first = Math.Min(first, x);
                last = Math.Max(last, x);
            }
        return last < 0 ? (0, width - 1) : (first, last);
    }

    /// <summary>
    /// Canvas indices that cover every centre mapping to within a pixel of a side of <paramref name="length"/> placed at
    /// <paramref name="start"/> and scaled by <paramref name="scale"/> (a little more is harmless: it samples black), clipped to the canvas.
    /// </summary>
    private static (int First, int Last) Span(double start, double scale, int length, int canvas)
    {
        var first = (int)Math.Max(0, Math.Floor(start - scale - 1));
        var last = (int)Math.Min(canvas - 1, Math.Ceiling(start + (length + 1) * scale));
        return (first, last);
    }

    private static double At(ReadOnlySpan<byte> digit, int height, int width, int y, int x) =>
        y < 0 || y >= height || x < 0 || x >= width ? 0 : digit[y * width + x];
}
