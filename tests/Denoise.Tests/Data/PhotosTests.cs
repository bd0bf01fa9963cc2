using Denoise.Data;
using Denoise.Imaging;
using Denoise.Tests.Metrics;
using static TorchSharp.torch;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class PhotosTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_photo_loads_grey_or_in_colour_at_its_catalogued_size()
    {
        var coffee = PhotoCatalog.Find("coffee");

        using var grey = Photos.Load(coffee);
        using var colour = Photos.Load(coffee, color: true);

        Assert.Equal([1L, coffee.Height, coffee.Width], grey.shape);
        Assert.Equal([3L, coffee.Height, coffee.Width], colour.shape);
        Assert.Equal(ScalarType.Float32, colour.dtype);
        // The grey photo is the luma of the colour one: two float32 paths to the same weighted sum.
        using var luma = ColorImage.ToGray(colour);
        Assert.True(luma.sub(grey).abs().max().item<float>() < 1e-6f);
    }

    [Fact]
    public void Colour_planes_are_the_bytes_pil_decodes_over_255()
    {
        using var colour = Photos.Load(PhotoCatalog.Find("rocket"), color: true);
        using var python = new PythonReference();
        var printed = python.Run($"""
            from PIL import Image
            a = np.asarray(Image.open({"'" + PhotoCatalog.Find("rocket").PathIn(DataFolder.Resolve()) + "'"}).convert('RGB'), dtype=np.float64) / 255
            print(*a.mean(axis=(0, 1)), a[100, 200, 0], a[100, 200, 1], a[100, 200, 2])
            """);
        var expected = PythonReference.Numbers(printed);

        using var means = colour.to(ScalarType.Float64).mean([1, 2]);
        // The same JPEG decoded by libjpeg (PIL) and by ImageSharp: both follow the standard's integer IDCT closely, but
        // may round a few pixels differently by one level; the means over 273,280 pixels agree far better than that.
        for (var c = 0; c < 3; c++)
            Assert.Equal(expected[c], means[c].item<double>(), 1e-3);
        Assert.Equal(expected[3..], [colour[0, 100, 200].item<float>(), colour[1, 100, 200].item<float>(), colour[2, 100, 200].item<float>()],
            (e, a) => Math.Abs(e - a) <= 1.5 / 255);
    }

    [Fact]
    public void A_grey_photo_in_colour_has_three_equal_planes()
    {
        using var camera = Photos.Load(PhotoCatalog.Find("camera"), color: true);

        Assert.Equal(0, camera[0].sub(camera[1]).abs().max().item<float>());
        Assert.Equal(0, camera[0].sub(camera[2]).abs().max().item<float>());
    }

    [Fact]
    public void The_training_part_holds_no_test_photo()
    {
        using var train = Photos.LoadPart(Split.Train);
        using var test = Photos.LoadPart(Split.Test, color: true);

        Assert.Equal(PhotoCatalog.Part(Split.Train).Select(f => f.Name), train.Photos.Select(p => p.Name));
        Assert.Empty(train.Photos.Select(p => p.Name).Intersect(["astronaut", "camera", "coffee"]));
        Assert.Equal(["astronaut", "camera", "coffee"], test.Photos.Select(p => p.Name));
        Assert.All(test.Photos, p => Assert.Equal(3, p.Image.shape[0]));
        Assert.All(train.Photos, p => Assert.Equal(1, p.Image.shape[0]));
        Assert.Equal("photos train (grey)", train.Name);
    }

    [Fact]
    public void A_damaged_photo_is_refused_with_what_to_run()
    {
        var folder = _temp.File("data");
        var camera = PhotoCatalog.Find("camera");
        Directory.CreateDirectory(Path.GetDirectoryName(camera.PathIn(folder))!);
        File.Copy(camera.PathIn(DataFolder.Resolve()), camera.PathIn(folder));
        using (var file = File.OpenWrite(camera.PathIn(folder)))
        {
            file.Position = 500;
            file.WriteByte(0);
        }

        var e = Assert.Throws<InvalidDataException>(() => Photos.Load(camera, folder: folder));

        Assert.StartsWith($"{camera.PathIn(folder)}: checksum mismatch", e.Message);
        Assert.EndsWith("run ./denoise data fetch photos to replace it", e.Message);
    }

    [Fact]
    public void A_missing_photo_says_to_fetch_the_photos()
    {
        var folder = _temp.File("data");

        var e = Assert.Throws<FileNotFoundException>(() => Photos.LoadPart(Split.Test, folder: folder));

        Assert.Equal($"{PhotoCatalog.Find("astronaut").PathIn(folder)}: not found - run ./denoise data fetch photos (or set DENOISE_DATA to the folder that holds photos/)", e.Message);
    }
}
