using Denoise.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Denoise.Tests.Imaging;

[Collection("torch")]
public sealed class ImageSizeTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(70_000, 70_000)]
    [InlineData(9_000, 8_000)]
    [InlineData(1, 67_108_865)]
    public void A_png_announcing_more_than_the_pixel_limit_is_rejected_from_its_header(int width, int height)
    {
        var path = _temp.File("huge.png");
        File.WriteAllBytes(path, PngHeader.Claiming(width, height));

        var error = Assert.Throws<InvalidDataException>(() => GrayImage.Load(path));

        Assert.Equal($"{path}: {width}x{height} = {(long)width * height} pixels, more than the 67108864 (8192x8192) an image may have here - scale it down or cut it into parts", error.Message);
    }

    [Fact]
    public void Image_bytes_are_checked_the_same_way()
    {
        var error = Assert.Throws<InvalidDataException>(() => GrayImage.Decode(PngHeader.Claiming(65_536, 65_536), "upload.png"));

        Assert.StartsWith("upload.png: 65536x65536 = 4294967296 pixels, more than", error.Message);
    }

    [Fact]
    public void The_limit_is_8192_squared()
    {
        Assert.Equal(8192L * 8192, GrayImage.MaxPixels);
    }

    [Fact]
    public void A_wide_image_under_the_limit_loads_row_by_row()
    {
        var path = _temp.File("strip.png");
        var pixels = Enumerable.Range(0, 3 * 2000).Select(i => (byte)(i % 251)).ToArray();
        using (var strip = Image.LoadPixelData<L8>(pixels, 2000, 3))
            strip.SaveAsPng(path);

        using var gray = GrayImage.Load(path);

        Assert.Equal([1L, 3, 2000], gray.shape);
        var values = gray.flatten().data<float>().ToArray();
        for (var i = 0; i < pixels.Length; i++)
            Assert.Equal(pixels[i] / 255.0, values[i], 1e-6);   // float32 of k / 255: within 3e-8
    }
}
