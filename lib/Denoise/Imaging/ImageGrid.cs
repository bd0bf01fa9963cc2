using System.Collections.Immutable;
using Denoise.IO;
using static TorchSharp.torch;

namespace Denoise.Imaging;

/// <summary>
/// A labelled grid of equally sized grayscale images, rendered to PNG: one row per set of images
/// ("clean", "noisy", "denoised"), the row label at the left and optional captions under the images.
/// Dark text on white; images are drawn as they are, each pixel as a Scale x Scale block.
/// Immutable: <see cref="AddRow"/> returns a new grid, so re-running a notebook cell never adds a row twice.
/// </summary>
/// <remarks>
/// Layout, with m = <see cref="Gap"/>, s = <see cref="Scale"/>, t = <see cref="TextScale"/>:
/// Width = m + LabelWidth + Columns * ImageWidth * s + (Columns - 1) * m + m, where LabelWidth is
/// 5t per character of the longest label plus m (0 when no row has a label);
/// Height = m + sum over rows of (ImageHeight * s + (row has captions ? 8t : 0)) + (Rows - 1) * m + m.
/// </remarks>
public sealed class ImageGrid
{
    public const int DefaultScale = 3;
    public const int DefaultGap = 2;
    public const int DefaultTextScale = 2;

    /// <summary>More images than this in one row is almost surely a forgotten slice.</summary>
    public const int MaxColumns = 100;

    private const byte Paper = 255;
    private const byte Ink = 0;

    private readonly ImmutableList<GridRow> rows;

    private ImageGrid(int scale, int gap, int textScale, ImmutableList<GridRow> rows)
    {
        Scale = scale;
        Gap = gap;
        TextScale = textScale;
        this.rows = rows;
    }

    /// <summary>Pixel block size of one image pixel.</summary>
    public int Scale { get; }

    /// <summary>White space between images, between rows and around the grid, in output pixels.</summary>
    public int Gap { get; }

    /// <summary>Pixel block size of one font pixel (the font is 5x7).</summary>
    public int TextScale { get; }

    public int Rows => rows.Count;
    public int Columns => rows.IsEmpty ? 0 : rows.Max(r => r.Count);

    /// <summary>Size of the source images (before scaling); 0 while the grid is empty.</summary>
    public int ImageWidth => rows.IsEmpty ? 0 : rows[0].Width;
    public int ImageHeight => rows.IsEmpty ? 0 : rows[0].Height;

    public IReadOnlyList<string> Labels => rows.Select(r => r.Label).ToList();

    /// <summary>Width of the label column, including the gap before the first image.</summary>
    public int LabelWidth
    {
        get
        {
            var longest = rows.IsEmpty ? 0 : rows.Max(r => r.Label.Length);
            return longest == 0 ? 0 : PixelFont.Measure(new string(' ', longest), TextScale) + Gap;
        }
    }

    /// <summary>Height of the caption band under a row that has captions.</summary>
    public int CaptionHeight => (PixelFont.GlyphHeight + 1) * TextScale;

    public int Width => rows.IsEmpty ? 0 :
        2 * Gap + LabelWidth + Columns * ImageWidth * Scale + (Columns - 1) * Gap;

    public int Height => rows.IsEmpty ? 0 :
        2 * Gap + rows.Sum(RowHeight) + (Rows - 1) * Gap;

    /// <summary>An empty grid; add rows with <see cref="AddRow"/>.</summary>
    public static ImageGrid Create(int scale = DefaultScale, int gap = DefaultGap, int textScale = DefaultTextScale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        ArgumentOutOfRangeException.ThrowIfLessThan(textScale, 1);
        return new ImageGrid(scale, gap, textScale, []);
    }

    /// <summary>A grid of the given rows, e.g. <c>FromRows([("clean", x), ("noisy", y)])</c>.</summary>
    public static ImageGrid FromRows(IEnumerable<(string Label, Tensor Images)> rows, int scale = DefaultScale)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Aggregate(Create(scale), (grid, row) => grid.AddRow(row.Label, row.Images));
    }

    /// <summary>
    /// One row of images with captions, e.g. the mean digit of each class captioned "0".."9".
    /// </summary>
    public static ImageGrid SingleRow(string label, Tensor images, IReadOnlyList<string>? captions = null,
        int scale = DefaultScale) =>
        Create(scale).AddRow(label, images, captions);

    /// <summary>
    /// Returns a grid with one more row. <paramref name="images"/> is N x 1 x H x W, N x H x W or H x W
    /// with values in [0,1] (clipped); <paramref name="captions"/>, if given, has one entry per image.
    /// The pixels are copied, so the tensor may be disposed afterwards.
    /// </summary>
    public ImageGrid AddRow(string label, Tensor images, IReadOnlyList<string>? captions = null)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(images);
        var shape = images.shape;
        var (count, height, width) = shape switch
        {
            [var h, var w] => (1L, h, w),
            [var n, var h, var w] => (n, h, w),
            [var n, 1, var h, var w] => (n, h, w),
            _ => throw new ArgumentException(
                $"row '{label}': images must be N x 1 x H x W, N x H x W or H x W, got [{string.Join(", ", shape)}]",
                nameof(images)),
        };
        if (count == 0 || height == 0 || width == 0)
            throw new ArgumentException($"row '{label}': no images (shape [{string.Join(", ", shape)}])", nameof(images));
        if (count > MaxColumns)
            throw new ArgumentException(
                $"row '{label}': {count} images, but a grid row shows at most {MaxColumns}; take a slice first, e.g. images[..10]",
                nameof(images));
        if (!rows.IsEmpty && (height != ImageHeight || width != ImageWidth))
            throw new ArgumentException(
                $"row '{label}': images are {width}x{height} but the grid's are {ImageWidth}x{ImageHeight}",
                nameof(images));
        if (captions is not null && captions.Count != count)
            throw new ArgumentException($"row '{label}': {captions.Count} captions for {count} images", nameof(captions));

        var row = new GridRow(label, (int)count, (int)height, (int)width, GrayImage.ToByteArray(images),
            captions?.ToImmutableArray());
        return new ImageGrid(Scale, Gap, TextScale, rows.Add(row));
    }

    /// <summary>The grid as an 8-bit grayscale PNG.</summary>
    public byte[] ToPng() => GrayImage.EncodePng(Render(), Width, Height);

    /// <summary>Writes <see cref="ToPng"/> to <paramref name="path"/> atomically, creating its folder.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllBytes(path, ToPng());
    }

    public override string ToString() =>
        $"ImageGrid {Rows} x {Columns} of {ImageWidth}x{ImageHeight} at scale {Scale} ({Width}x{Height} px)";

    /// <summary>The grid's pixels, row-major, Width x Height bytes.</summary>
    internal byte[] Render()
    {
        if (rows.IsEmpty)
            throw new InvalidOperationException("image grid has no rows; add one with AddRow");
        var width = Width;
        var pixels = new byte[width * Height];
        Array.Fill(pixels, Paper);

        var cellWidth = ImageWidth * Scale;
        var cellHeight = ImageHeight * Scale;
        var imagesLeft = Gap + LabelWidth;
        var top = Gap;
        foreach (var row in rows)
        {
            var labelTop = top + (cellHeight - PixelFont.GlyphHeight * TextScale) / 2;
            PixelFont.Draw(pixels, width, row.Label, Gap, labelTop, TextScale, Ink,
                0, top, imagesLeft, top + cellHeight);

            for (var i = 0; i < row.Count; i++)
            {
                var left = imagesLeft + i * (cellWidth + Gap);
                DrawImage(pixels, width, row, i, left, top);
                if (row.Captions is { } captions)
                    DrawCaption(pixels, width, captions[i], left, top + cellHeight, cellWidth);
            }
            top += RowHeight(row) + Gap;
        }
        return pixels;
    }

    private int RowHeight(GridRow row) => row.Height * Scale + (row.Captions is null ? 0 : CaptionHeight);

    private void DrawImage(byte[] pixels, int stride, GridRow row, int index, int left, int top)
    {
        var source = row.Pixels.AsSpan(index * row.Width * row.Height, row.Width * row.Height);
        var line = new byte[row.Width * Scale];
        for (var y = 0; y < row.Height; y++)
        {
            for (var x = 0; x < row.Width; x++)
                line.AsSpan(x * Scale, Scale).Fill(source[y * row.Width + x]);
            for (var dy = 0; dy < Scale; dy++)
                line.CopyTo(pixels.AsSpan((top + y * Scale + dy) * stride + left));
        }
    }

    private void DrawCaption(byte[] pixels, int stride, string caption, int left, int top, int cellWidth)
    {
        // A caption too wide for its cell drops to the smallest text; beyond that it is clipped at the cell.
        var textScale = PixelFont.Measure(caption, TextScale) <= cellWidth ? TextScale : 1;
        // The glyphs' last column is spacing, so leave it out when centring.
        var inkWidth = PixelFont.Measure(caption, textScale) - textScale;
        var x = left + Math.Max(0, (cellWidth - inkWidth) / 2);
        PixelFont.Draw(pixels, stride, caption, x, top + TextScale, textScale, Ink,
            left, top, left + cellWidth, top + CaptionHeight);
    }

    private sealed record GridRow(string Label, int Count, int Height, int Width, byte[] Pixels,
        ImmutableArray<string>? Captions);
}
