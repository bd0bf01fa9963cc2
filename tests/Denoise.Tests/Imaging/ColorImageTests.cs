using Denoise.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Denoise.Tests.Imaging;

[Collection("torch")]
public sealed class ColorImageTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Saved_png_is_8_bit_rgb_and_loads_back_within_half_a_level()
    {
        using var image = rand([3, 6, 9], generator: new Generator(4));
        var path = folder.File("colour.png");

        ColorImage.Save(image, path);
        using var loaded = ColorImage.Load(path);

        using var decoded = Image.Load<Rgb24>(path);
        Assert.Equal(PngColorType.Rgb, decoded.Metadata.GetPngMetadata().ColorType);
        Assert.Equal((byte)Math.Round(image[1, 2, 5].item<float>() * 255), decoded[5, 2].G);
        Assert.Equal([3L, 6, 9], loaded.shape);
        // Rounding to the nearest of 256 levels moves a value by at most half a level.
        Assert.True(loaded.sub(image).abs().max().item<float>() <= 0.5f / 255 + 1e-6f);
    }

    [Fact]
    public void The_grey_of_a_colour_file_is_what_GrayImage_reads_from_it()
    {
        using var image = rand([3, 5, 7], generator: new Generator(8));
        var path = folder.File("colour.png");
        ColorImage.Save(image, path);

        using var colour = ColorImage.Load(path);
        using var grey = ColorImage.ToGray(colour);
        using var direct = GrayImage.Load(path);

        Assert.Equal([1L, 5, 7], grey.shape);
        // The same BT.601 sum, once from float32 planes and once from the bytes in float64: float32 rounding apart.
        Assert.True(grey.sub(direct).abs().max().item<float>() < 1e-6f);
    }

    [Fact]
    public void Transparency_is_composited_on_black()
    {
        var path = folder.File("alpha.png");
        using (var picture = new Image<Rgba32>(2, 1))
        {
            picture[0, 0] = new Rgba32(255, 100, 0, 51);   // a fifth opaque
            picture[1, 0] = new Rgba32(10, 20, 30, 255);
            picture.SaveAsPng(path);
        }

        using var loaded = ColorImage.Load(path);

        Assert.Equal(new[] { 0.2f, 0.2f * 100 / 255, 0f }, new[] { loaded[0, 0, 0].item<float>(), loaded[1, 0, 0].item<float>(), loaded[2, 0, 0].item<float>() },
            (a, b) => Math.Abs(a - b) < 1e-6f);
        Assert.Equal(30 / 255f, loaded[2, 0, 1].item<float>(), 1e-6f);
    }

    [Fact]
    public void A_grey_tensor_is_not_a_colour_image()
    {
        using var grey = zeros(1, 4, 4);

        var e = Assert.Throws<ArgumentException>(() => ColorImage.ToPng(grey));
        var f = Assert.Throws<ArgumentException>(() => ColorImage.ToGray(grey));

        Assert.StartsWith("a colour image tensor must be 3 x H x W, got [1, 4, 4]", e.Message);
        Assert.StartsWith("a colour image must be 3 x H x W or N x 3 x H x W, got 1 x 4 x 4", f.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_named()
    {
        var path = folder.File("notes.png");
        File.WriteAllText(path, "not a picture");

        var e = Assert.Throws<InvalidDataException>(() => ColorImage.Load(path));

        Assert.StartsWith($"{path}: not a PNG, JPEG, BMP, GIF, TIFF or WebP image", e.Message);
    }
}
