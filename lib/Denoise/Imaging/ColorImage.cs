using System.Runtime.InteropServices;
using Denoise.IO;
using Denoise.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Denoise.Imaging;

/// <summary>
/// Colour images as float tensors in [0,1] (3 x H x W: red, green, blue planes), read from the formats
/// <see cref="GrayImage"/> reads, with its checks, and written as 8-bit RGB PNG. A grey file loads with three equal planes.
/// </summary>
public static class ColorImage
{
    /// <summary>The channels of a colour image tensor.</summary>
    public const int Channels = 3;

    /// <summary>
    /// Loads an image file (one of <see cref="GrayImage.Formats"/>, at most <see cref="GrayImage.MaxPixels"/> pixels) as a
    /// 3 x H x W float32 tensor in [0,1]. Transparency is composited on black, as <see cref="GrayImage.Load"/> does, so
    /// the grey of a loaded colour image is the grey image of the same file.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path names a folder, FIFO or device; nothing is opened.</exception>
    /// <exception cref="InvalidDataException">The file is not an image ImageSharp can decode, or it is too large; the message names it.</exception>
    public static Tensor Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!RegularFile.Exists(path))
            throw new FileNotFoundException($"{path}: no such image file", path);
        using var stream = File.OpenRead(path);
        GrayImage.Identify(stream, path);
        stream.Position = 0;
        using var image = GrayImage.ImageSharp(path, configuration => Image.Load<Rgba32>(configuration, stream));
        return ToPlanes(image);
    }

    /// <summary>
    /// The grey image of a 3 x H x W (or N x 3 x H x W) colour tensor, with <see cref="GrayImage.LumaWeights"/>:
    /// 1 x H x W (or N x 1 x H x W), as <see cref="GrayImage.Load"/> would read the same file.
    /// </summary>
    public static Tensor ToGray(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var channelAxis = image.dim() - 3;
        if (image.dim() is not (3 or 4) || image.shape[channelAxis] != Channels)
            throw new ArgumentException($"a colour image must be 3 x H x W or N x 3 x H x W, got {string.Join(" x ", image.shape)}", nameof(image));
        using var scope = NewDisposeScope();
        var weights = tensor(GrayImage.LumaWeights.ToArray(), dtype: ScalarType.Float64)
            .reshape(image.dim() == 3 ? [Channels, 1, 1] : [1, Channels, 1, 1]);
        return image.to(ScalarType.Float64).mul(weights).sum(channelAxis, keepdim: true)
            .clamp_(Scalars.Zero, Scalars.One).to(image.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes a 3 x H x W tensor (values clipped to [0,1], rounded to 1/255) as an 8-bit RGB PNG.</summary>
    public static byte[] ToPng(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 3 || image.shape[0] != Channels)
            throw new ArgumentException($"a colour image tensor must be 3 x H x W, got [{string.Join(", ", image.shape)}]", nameof(image));
        var (height, width) = ((int)image.shape[1], (int)image.shape[2]);
        using var interleaved = image.permute(1, 2, 0);
        var pixels = GrayImage.ToByteArray(interleaved);
        using var picture = Image.LoadPixelData<Rgb24>(pixels, width, height);
        using var stream = new MemoryStream();
        picture.SaveAsPng(stream, new PngEncoder
        {
            ColorType = PngColorType.Rgb,
            BitDepth = PngBitDepth.Bit8,
            CompressionLevel = PngCompressionLevel.BestSpeed,
        });
        return stream.ToArray();
    }

    /// <summary>Writes <see cref="ToPng"/> to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void Save(Tensor image, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllBytes(path, ToPng(image));
    }

    /// <summary>Converts row by row straight into the three planes of the tensor, so no full-size intermediate is made.</summary>
    private static Tensor ToPlanes(Image<Rgba32> image)
    {
        var planes = empty([Channels, image.Height, image.Width], float32);
        image.ProcessPixelRows(rows =>
        {
            var values = MemoryMarshal.Cast<byte, float>(planes.bytes);
            var plane = (long)rows.Width * rows.Height;
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                var red = values.Slice(y * rows.Width, rows.Width);
                var green = values.Slice((int)(plane + y * rows.Width), rows.Width);
                var blue = values.Slice((int)(2 * plane + y * rows.Width), rows.Width);
                for (var x = 0; x < row.Length; x++)
                {
                    var p = row[x];
                    // Composited on black: alpha * colour + (1 - alpha) * 0.
                    var alpha = p.A / 255f;
                    red[x] = alpha * p.R / 255f;
                    green[x] = alpha * p.G / 255f;
                    blue[x] = alpha * p.B / 255f;
                }
            }
        });
        return planes;
    }
}
