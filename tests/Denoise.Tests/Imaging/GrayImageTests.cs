using Denoise.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Denoise.Tests.Imaging;

[Collection("torch")]
public sealed class GrayImageTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Saved_png_loads_back_within_one_grey_level()
    {
        using var image = rand([1, 20, 30], generator: new Generator(5));
        var path = folder.File("round.png");

        GrayImage.Save(image, path);
        using var loaded = GrayImage.Load(path);

        Assert.Equal([1L, 20, 30], loaded.shape);
        Assert.Equal(ScalarType.Float32, loaded.dtype);
        // Rounding to the nearest of 256 levels moves a value by at most half a level (1e-6 for float32's own rounding).
        Assert.True(loaded.sub(image).abs().max().item<float>() <= 0.5f / 255 + 1e-6f);
    }

    [Fact]
    public void Saved_png_is_8_bit_grayscale_of_the_tensor_size()
    {
        using var image = full([7, 9], 0.5f);
        var path = folder.File("gray.png");

        GrayImage.Save(image, path);

        using var decoded = Image.Load<L8>(path, out var format);
        Assert.Equal("PNG", format.Name);
        Assert.Equal((9, 7), (decoded.Width, decoded.Height));
        Assert.Equal(PngColorType.Grayscale, decoded.Metadata.GetPngMetadata().ColorType);
        Assert.Equal(PngBitDepth.Bit8, decoded.Metadata.GetPngMetadata().BitDepth);
        Assert.Equal(128, decoded[4, 3].PackedValue); // 0.5 * 255 = 127.5 rounds to even, 128
    }

    [Fact]
    public void The_smallest_png_holds_the_same_pixels_in_fewer_bytes()
    {
        // A digit-like picture: a dark background with a bright blob and a little noise, as the notebooks' mosaics are.
        using var blob = (arange(64, dtype: float32).view(1, -1) - 32).square() + (arange(64, dtype: float32).view(-1, 1) - 32).square();
        using var image = (blob.lt(200).to_type(float32) + rand([64, 64], generator: new Generator(2)) * 0.1).clamp(0, 1);

        var fast = GrayImage.ToPng(image);
        var small = GrayImage.ToPng(image, smallest: true);

        using var fromFast = GrayImage.Decode(fast);
        using var fromSmall = GrayImage.Decode(small);
        Assert.True(fromSmall.equal(fromFast).all().item<bool>());
        Assert.True(small.Length < fast.Length, $"{small.Length} bytes at the best compression, {fast.Length} at the fastest");
    }

    [Fact]
    public void Save_clips_values_outside_the_unit_range()
    {
        using var image = tensor(new[] { -0.5f, 1.5f, 0.2f }).reshape(1, 3);
        var path = folder.File("clip.png");

        GrayImage.Save(image, path);

        using var decoded = Image.Load<L8>(path);
        Assert.Equal(0, decoded[0, 0].PackedValue);
        Assert.Equal(255, decoded[1, 0].PackedValue);
        Assert.Equal(51, decoded[2, 0].PackedValue); // 0.2 * 255 = 51
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_no_temp_file()
    {
        var path = folder.File("out/replace.png");
        using var first = zeros(4, 4);
        using var second = ones(6, 5);

        GrayImage.Save(first, path);
        GrayImage.Save(second, path);

        Assert.Equal(["replace.png"], Directory.GetFiles(folder.File("out")).Select(Path.GetFileName));
        using var loaded = GrayImage.Load(path);
        Assert.Equal([1L, 6, 5], loaded.shape);
    }

    [Fact]
    public void Colour_png_converts_to_gray_with_bt601_luma()
    {
        var path = folder.File("colour.png");
        using (var colour = new Image<Rgba32>(4, 1))
        {
            colour[0, 0] = new Rgba32(255, 0, 0);
            colour[1, 0] = new Rgba32(0, 255, 0);
            colour[2, 0] = new Rgba32(0, 0, 255);
            colour[3, 0] = new Rgba32(10, 200, 30);
            colour.SaveAsPng(path);
        }

        using var gray = GrayImage.Load(path);

        // Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601), on values scaled to [0,1].
        var expected = new[] { 0.299, 0.587, 0.114, (0.299 * 10 + 0.587 * 200 + 0.114 * 30) / 255 };
        var actual = gray.flatten().data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 5);   // float32 of the weighted sum: within 1e-7
    }

    [Fact]
    public void Transparent_pixels_are_composited_on_black()
    {
        var path = folder.File("alpha.png");
        using (var colour = new Image<Rgba32>(4, 1))
        {
            colour[0, 0] = new Rgba32(255, 255, 255, 0);
            colour[1, 0] = new Rgba32(255, 255, 255, 51);
            colour[2, 0] = new Rgba32(255, 255, 255, 255);
            colour[3, 0] = new Rgba32(0, 0, 0, 0);
            colour.SaveAsPng(path);
        }

        using var gray = GrayImage.Load(path);

        // a * 1 + (1 - a) * 0 with a = 0, 0.2, 1 for white, and 0 for transparent black.
        var actual = gray.flatten().data<float>().ToArray();
        Assert.Equal([0.0, 0.2, 1.0, 0.0], actual.Select(v => Math.Round(v, 5)));
    }

    [Fact]
    public void A_white_digit_on_a_transparent_background_stays_a_white_digit_on_black()
    {
        // A 7 drawn in white on a fully transparent canvas, as drawing programs save it.
        var path = folder.File("seven.png");
        using (var digit = new Image<Rgba32>(8, 8, new Rgba32(255, 255, 255, 0)))
        {
            for (var x = 1; x < 7; x++)
                digit[x, 1] = new Rgba32(255, 255, 255, 255);
            for (var y = 2; y < 7; y++)
                digit[7 - y, y] = new Rgba32(255, 255, 255, 255);
            digit.SaveAsPng(path);
        }

        using var gray = GrayImage.Load(path);

        // 6 + 5 = 11 white stroke pixels, the other 53 black: not a white square.
        Assert.Equal(11, gray.eq(1).sum().item<long>());
        Assert.Equal(53, gray.eq(0).sum().item<long>());
    }

    [Fact]
    public void Grayscale_png_loads_as_value_over_255()
    {
        var path = folder.File("levels.png");
        using (var levels = Image.LoadPixelData<L8>(new byte[] { 0, 1, 128, 255 }, 2, 2))
            levels.SaveAsPng(path);

        using var gray = GrayImage.Load(path);

        Assert.Equal([1L, 2, 2], gray.shape);
        var expected = new[] { 0.0, 1 / 255.0, 128 / 255.0, 1.0 };
        var actual = gray.flatten().data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 6);   // float32 of k / 255: within 3e-8
    }

    [Fact]
    public void Jpeg_files_load_too()
    {
        var path = folder.File("flat.jpg");
        using (var flat = new Image<L8>(16, 16, new L8(100)))
            flat.SaveAsJpeg(path);

        using var gray = GrayImage.Load(path);

        Assert.Equal([1L, 16, 16], gray.shape);
        Assert.Equal(100 / 255.0, gray.mean().item<float>(), 2);   // JPEG is lossy: 2 decimals is about a level
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_named_in_the_error()
    {
        var path = folder.File("notes.txt");
        File.WriteAllText(path, "not pixels");

        var error = Assert.Throws<InvalidDataException>(() => GrayImage.Load(path));

        Assert.StartsWith($"{path}: not a PNG, JPEG, BMP, GIF, TIFF or WebP image (", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error()
    {
        var path = folder.File("missing.png");

        var error = Assert.Throws<FileNotFoundException>(() => GrayImage.Load(path));

        Assert.Contains("missing.png", error.Message);
    }

    [Fact]
    public void A_tensor_that_is_not_one_image_is_rejected_with_its_shape()
    {
        using var batch = zeros(3, 28, 28);

        var error = Assert.Throws<ArgumentException>(() => GrayImage.ToPng(batch));

        Assert.Contains("[3, 28, 28]", error.Message);
    }
}
