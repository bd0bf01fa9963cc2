using Denoise.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Denoise.Tests.Imaging;

[Collection("torch")]
public sealed class ImageFormatTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    const string List = "PNG, JPEG, BMP, GIF, TIFF or WebP";

    static Image<L8> Flat() => new(16, 16, new L8(100));

    [Fact]
    public void The_accepted_formats_are_decided_in_one_list()
    {
        Assert.Equal(["PNG", "JPEG", "BMP", "GIF", "TIFF", "WebP"], GrayImage.Formats);
        Assert.Equal(List, GrayImage.FormatList);
        Assert.Subset(new HashSet<string>(GrayImage.Extensions), new HashSet<string> { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp" });
    }

    [Theory]
    [InlineData("flat.png")]
    [InlineData("flat.jpg")]
    [InlineData("flat.bmp")]
    [InlineData("flat.gif")]
    [InlineData("flat.tiff")]
    [InlineData("flat.webp")]
    public void Every_accepted_format_loads(string name)
    {
        var path = _temp.File(name);
        using (var flat = Flat())
            flat.Save(path); // the encoder is chosen by the extension

        using var gray = GrayImage.Load(path);

        Assert.Equal([1L, 16, 16], gray.shape);
        Assert.Equal(100 / 255.0, gray.mean().item<float>(), 2);   // lossy formats (JPEG, WebP) may move a flat image by about a level
    }

    [Theory]
    [InlineData("flat.tga")]
    [InlineData("flat.pbm")]
    public void Formats_outside_the_list_are_rejected_with_the_list(string name)
    {
        var path = _temp.File(name);
        using (var flat = Flat())
            flat.Save(path);

        var error = Assert.Throws<InvalidDataException>(() => GrayImage.Load(path));

        Assert.Equal($"{path}: not a {List} image (its first bytes match none of them)", error.Message);
    }

    [Fact]
    public void A_damaged_image_is_named_with_the_same_list()
    {
        var path = _temp.File("cut.png");
        using (var flat = Flat())
            flat.SaveAsPng(path);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..20]);

        var error = Assert.Throws<InvalidDataException>(() => GrayImage.Load(path));

        Assert.StartsWith($"{path}: not a {List} image", error.Message);
        Assert.DoesNotContain("PNG/JPEG", error.Message);
    }

    [Theory]
    [InlineData("a.png", true)]
    [InlineData("A.PNG", true)]
    [InlineData("b.JpEg", true)]
    [InlineData("c.jpg", true)]
    [InlineData("d.tif", true)]
    [InlineData("e.WEBP", true)]
    [InlineData("folder/f.Gif", true)]
    [InlineData("g.txt", false)]
    [InlineData("h.tga", false)]
    [InlineData("png", false)]
    [InlineData("i.png.tmp", false)]
    public void Image_files_are_recognised_by_extension_in_any_case(string path, bool expected)
    {
        Assert.Equal(expected, GrayImage.IsImageFile(path));
    }
}
