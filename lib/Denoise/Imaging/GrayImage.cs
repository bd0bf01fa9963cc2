using System.Runtime.InteropServices;
using Denoise.IO;
using Denoise.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Denoise.Imaging;

/// <summary>
/// Grayscale images as float tensors in [0,1] (1 x H x W), read from PNG, JPEG, BMP, GIF, TIFF or WebP
/// (<see cref="Formats"/>) and written as 8-bit grayscale PNG.
/// </summary>
public static class GrayImage
{
    // The accepted formats, in one place: those ImageSharp decodes that open with a signature. TGA (no signature, so
    // ImageSharp guesses it from header fields) and PBM (a two-letter one) are left out, so that no stray file passes for an image.
    private static readonly (string Name, IImageFormat Format, IConfigurationModule Decoder)[] Accepted =
    [
        ("PNG", PngFormat.Instance, new PngConfigurationModule()),
        ("JPEG", JpegFormat.Instance, new JpegConfigurationModule()),
        ("BMP", BmpFormat.Instance, new BmpConfigurationModule()),
        ("GIF", GifFormat.Instance, new GifConfigurationModule()),
        ("TIFF", TiffFormat.Instance, new TiffConfigurationModule()),
        ("WebP", WebpFormat.Instance, new WebpConfigurationModule()),
    ];

    private static readonly Configuration Codecs = CreateCodecs();

    /// <summary>The image formats <see cref="Load"/> reads: PNG, JPEG, BMP, GIF, TIFF and WebP (by content, whatever the file is called).</summary>
    public static IReadOnlyList<string> Formats { get; } = Accepted.Select(a => a.Name).ToArray();

    /// <summary>The formats as help texts and errors write them: "PNG, JPEG, BMP, GIF, TIFF or WebP".</summary>
    public static string FormatList { get; } = string.Join(", ", Formats.SkipLast(1)) + " or " + Formats[^1];

    /// <summary>The file extensions of <see cref="Formats"/>, lower case with the dot (".png", ".jpg", ".jpeg", ...).</summary>
    public static IReadOnlyList<string> Extensions { get; } =
        Accepted.SelectMany(a => a.Format.FileExtensions).Select(e => "." + e.ToLowerInvariant()).Distinct().ToArray();

    /// <summary>True when the file name ends in one of <see cref="Extensions"/>, in any case ("A.PNG" too): for choosing the images of a folder.</summary>
    public static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// ITU-R BT.601 luma weights for R, G, B: the same as PIL's convert("L"), so a picture
    /// converted here matches one converted by the usual Python tools.
    /// </summary>
    public static readonly IReadOnlyList<double> LumaWeights = [0.299, 0.587, 0.114];

    /// <summary>
    /// The most pixels <see cref="Load"/> decodes: 2^26 = 67,108,864 (8192 x 8192; a 6000 x 6000 photo has 36 million).
    /// Decoding holds 4 bytes per pixel and the result 4 more, about 0.5 GB at the limit, which leaves a tiled denoiser room
    /// within 1.5 GB. The size is read from the file's header and checked before anything is decoded, and only one frame
    /// is ever decoded.
    /// </summary>
    public const long MaxPixels = 1L << 26;

    /// <summary>
    /// The most memory ImageSharp may hold while it decodes or encodes one image, 768 MB: the 4 bytes per pixel of
    /// <see cref="MaxPixels"/> RGBA pixels and twice as much for a decoder's own buffers (a progressive JPEG in full
    /// colour resolution keeps 6 bytes of coefficients per pixel: one of 8192 x 8192 did not decode within 512 MB). A file
    /// whose structures ask for more is refused, whatever its header says; the memory is freed when the image is.
    /// </summary>
    public const long MaxCodecBytes = 3 * 4 * MaxPixels;

    /// <summary>
    /// Loads an image file (one of <see cref="Formats"/>; the first frame of an animation or the first page of a TIFF)
    /// as a 1 x H x W float32 tensor in [0,1]. Colour is converted with <see cref="LumaWeights"/>. 16-bit images are read
    /// at 8-bit precision.
    /// Transparency is composited on black, the background of MNIST-like images: a pixel becomes alpha x luma, so a white
    /// digit on a transparent background is a white digit on black (on white, as a viewer shows it, it would be a white
    /// square). A dark digit on a transparent background therefore vanishes: flatten such an image onto white first.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path names a folder, FIFO or device; nothing is opened.</exception>
    /// <exception cref="InvalidDataException">The file is not an image ImageSharp can decode, or its header announces more
    /// than <see cref="MaxPixels"/> pixels; the message names it.</exception>
    public static Tensor Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!RegularFile.Exists(path))
            throw new FileNotFoundException($"{path}: no such image file", path);
        using var stream = File.OpenRead(path);
        return Decode(stream, path);
    }

    /// <summary>Decodes image bytes like <see cref="Load"/>; <paramref name="name"/> is used in error messages.</summary>
    public static Tensor Decode(byte[] data, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(data);
        using var stream = new MemoryStream(data, writable: false);
        return Decode(stream, name);
    }

    /// <summary>
    /// The width and height of an image file from its header alone, with every check <see cref="Load"/> makes before it
    /// decodes (a regular file, one of <see cref="Formats"/>, at most <see cref="MaxPixels"/>): to vet a folder of images
    /// before any is decoded or anything is written.
    /// </summary>
    public static (int Width, int Height) Inspect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!RegularFile.Exists(path))
            throw new FileNotFoundException($"{path}: no such image file", path);
        using var stream = File.OpenRead(path);
        return Identify(stream, path);
    }

    internal static (int Width, int Height) Identify(Stream stream, string name)
    {
        var info = ImageSharp(name, configuration => Image.Identify(configuration, stream))
            ?? throw new InvalidDataException($"{name}: not a {FormatList} image (its first bytes match none of them)");
        if (info.Width < 1 || info.Height < 1)
            throw new InvalidDataException($"{name}: its header says {info.Width}x{info.Height} pixels; an image needs at least 1x1 - the file is damaged");
        var pixels = (long)info.Width * info.Height;
        if (pixels > MaxPixels)
            throw new InvalidDataException(
                $"{name}: {info.Width}x{info.Height} = {pixels} pixels, more than the {MaxPixels} (8192x8192) an image may have here - scale it down or cut it into parts");
        return (info.Width, info.Height);
    }

    private static Tensor Decode(Stream stream, string name)
    {
        Identify(stream, name);
        stream.Position = 0;
        using var image = ImageSharp(name, configuration => Image.Load<Rgba32>(configuration, stream));
        return ToGray(image);
    }

    /// <summary>
    /// The formats of <see cref="Accepted"/>, reading only what we use: the first frame of a GIF and the first page of
    /// a TIFF (decoding every frame of a small GIF with a large canvas can take gigabytes), and no metadata (text
    /// chunks can be compressed many thousand times over).
    /// </summary>
    private static Configuration CreateCodecs()
    {
        var codecs = new Configuration(Accepted.Select(a => a.Decoder).ToArray());
        var formats = codecs.ImageFormatsManager;
        formats.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First, MaxFrames = 1, IgnoreMetadata = true });
        formats.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First, IgnoreMetadata = true });
        formats.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        formats.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        formats.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
        return codecs;
    }

    /// <summary>The codecs with their own <see cref="BoundedAllocator"/> of <see cref="MaxCodecBytes"/>: one per image.</summary>
    private static Configuration BoundedCodecs()
    {
        var configuration = Codecs.Clone();
        configuration.MemoryAllocator = new BoundedAllocator(MaxCodecBytes);
        return configuration;
    }

    /// <summary>Runs an ImageSharp step with <see cref="BoundedCodecs"/>, turning its failures into one line that names the image.</summary>
    internal static T ImageSharp<T>(string name, Func<Configuration, T> step)
    {
        try
        {
            return step(BoundedCodecs());
        }
        catch (Exception e) when (MemoryLimit(e) is not null)
        {
            throw new InvalidDataException(
                $"{name}: decoding it would take more than the {MaxCodecBytes / (1 << 20)} MB an image may take here ({MemoryLimit(e)!.Message}) - the file is damaged or crafted; convert it with another tool first", e);
        }
        catch (Exception e) when (e is UnknownImageFormatException or ImageFormatException or NotSupportedException or InvalidMemoryOperationException
                                      or ArgumentException or IndexOutOfRangeException or OverflowException or EndOfStreamException)
        {
            // ImageSharp's own message lists every decoder over several lines; the first sentence is the news. Its
            // argument checks name .NET types ("Parameter "width" (System.Int32)..."): a damaged file, said so.
            var reason = e is UnknownImageFormatException or ImageFormatException or NotSupportedException or InvalidMemoryOperationException
                ? $" (ImageSharp: {e.Message.ReplaceLineEndings(" ").Split(". ")[0].TrimEnd('.')})"
                : " (its structure is damaged)";
            throw new InvalidDataException($"{name}: not a {FormatList} image{reason}", e);
        }
    }

    /// <summary>Our allocator's refusal, wherever ImageSharp wrapped it; null when the failure is another.</summary>
    private static InvalidMemoryOperationException? MemoryLimit(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is InvalidMemoryOperationException m && m.Message.StartsWith(BoundedAllocator.Message, StringComparison.Ordinal))
                return m;
        return null;
    }

    /// <summary>Converts row by row straight into the tensor's memory, so that no full-size intermediate is made.</summary>
    private static Tensor ToGray(Image<Rgba32> image)
    {
        var (red, green, blue) = (LumaWeights[0] / 255, LumaWeights[1] / 255, LumaWeights[2] / 255);
        var gray = empty([1, image.Height, image.Width], float32);
        image.ProcessPixelRows(rows =>
        {
            var values = MemoryMarshal.Cast<byte, float>(gray.bytes);
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                var line = values.Slice(y * rows.Width, rows.Width);
                for (var x = 0; x < row.Length; x++)
                {
                    var p = row[x];
                    // Composited on black: alpha * luma + (1 - alpha) * 0.
                    line[x] = (float)Math.Clamp(p.A / 255.0 * (red * p.R + green * p.G + blue * p.B), 0, 1);
                }
            }
        });
        return gray;
    }

    /// <summary>
    /// Encodes an H x W or 1 x H x W tensor (values clipped to [0,1], rounded to 1/255) as an
    /// 8-bit grayscale PNG.
    /// </summary>
    /// <param name="smallest">Deflate as hard as it goes (a quarter fewer bytes, several times slower), for pictures a
    /// page carries many of; else as fast as it goes.</param>
    public static byte[] ToPng(Tensor image, bool smallest = false)
    {
        var (height, width, pixels) = ToBytes(image);
        return EncodePng(pixels, width, height, smallest);
    }

    /// <summary>
    /// Writes <see cref="ToPng"/> to <paramref name="path"/> atomically, creating its folder; encoded straight into the
    /// file, so that a large image is held once as bytes and not again as its PNG.
    /// </summary>
    public static void Save(Tensor image, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (height, width, pixels) = ToBytes(image);
        AtomicFile.Write(path, stream => EncodePng(pixels, width, height, stream));
    }

    internal static byte[] EncodePng(byte[] pixels, int width, int height, bool smallest = false)
    {
        using var stream = new MemoryStream();
        EncodePng(pixels, width, height, stream, smallest);
        return stream.ToArray();
    }

    private static void EncodePng(byte[] pixels, int width, int height, Stream stream, bool smallest = false)
    {
        // The pixels are wrapped, not copied; the encoder's own buffers come from a bounded allocator, which also gives
        // the rows of a very wide image that the default pool cannot.
        using var image = Image.WrapMemory<L8>(BoundedCodecs(), pixels.AsMemory(), width, height);
        // Fastest deflate: a 3 x 10 MNIST grid encodes ~3x faster for ~20% more bytes (24 KB instead of 20 KB).
        image.SaveAsPng(stream, new PngEncoder
        {
            ColorType = PngColorType.Grayscale,
            BitDepth = PngBitDepth.Bit8,
            CompressionLevel = smallest ? PngCompressionLevel.BestCompression : PngCompressionLevel.BestSpeed,
        });
    }

    private static (int Height, int Width, byte[] Pixels) ToBytes(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var shape = image.shape;
        var squeezable = shape.Length == 3 && shape[0] == 1;
        if (shape.Length != 2 && !squeezable)
            throw new ArgumentException(
                $"an image tensor must be H x W or 1 x H x W, got [{string.Join(", ", shape)}]", nameof(image));
        var height = (int)shape[^2];
        var width = (int)shape[^1];
        return (height, width, ToByteArray(image));
    }

    /// <summary>Values converted at a time by <see cref="ToByteArray"/>: its float intermediates stay a few megabytes.</summary>
    private const long ConversionChunk = 1 << 20;

    /// <summary>All values of a tensor as bytes 0-255 (clipped to [0,1], x255, rounded), in row-major order.</summary>
    internal static byte[] ToByteArray(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = images.detach().to(CPU).reshape(-1);
        var bytes = new byte[flat.shape[0]];
        for (long start = 0; start < bytes.Length; start += ConversionChunk)
        {
            using var chunkScope = NewDisposeScope();
            var length = Math.Min(ConversionChunk, bytes.Length - start);
            var chunk = flat.narrow(0, start, length).to(float32).nan_to_num(0)
                .clamp(Scalars.Zero, Scalars.One).mul_(Scalars.ByteMax).round_().to(uint8).contiguous();
            chunk.data<byte>().CopyTo(bytes.AsSpan((int)start, (int)length));
        }
        return bytes;
    }
}
