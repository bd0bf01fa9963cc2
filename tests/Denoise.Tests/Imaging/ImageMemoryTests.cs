using Denoise.Imaging;
using Denoise.Models;
using Denoise.Tests.Cli;
using Denoise.Training;

namespace Denoise.Tests.Imaging;

/// <summary>
/// Image files that announce far more than they hold: only the first frame or page is decoded, and `denoise` and
/// `metrics`, run as processes of their own, stay within the memory any image under the limits may take.
/// </summary>
[Collection("torch")]
public sealed class ImageMemoryTests : IDisposable
{
    /// <summary>The goal of issue 20: any image file under the limits peaks at 1.5 GB in denoise and metrics.</summary>
    private const long Bound = 1536L << 20;

    // 500 frames or pages of 1024 x 1024: 2 GB as RGBA if every one were decoded (as they were), one of them 4 MB.
    private const int Side = 1024, Frames = 500;

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Only_the_first_frame_of_a_gif_is_decoded()
    {
        var path = folder.File("frames.gif");
        File.WriteAllBytes(path, CraftedImages.ManyFrameGif(64, 48, frames: 5));

        using var image = GrayImage.Load(path);

        // The first frame is one white pixel at the top left of a black (transparent, composited on black) canvas.
        Assert.Equal([1L, 48, 64], image.shape);
        Assert.Equal(1f, image[0, 0, 0].item<float>());
        Assert.Equal(1f, image.sum().item<float>());
    }

    [Fact]
    public void Only_the_first_page_of_a_tiff_is_decoded()
    {
        var path = folder.File("pages.tif");
        File.WriteAllBytes(path, CraftedImages.ManyPageTiff(40, 30, pages: 4, value: page => (byte)(60 + 50 * page)));

        using var image = GrayImage.Load(path);

        Assert.Equal([1L, 30, 40], image.shape);
        Assert.True(image.eq(60 / 255f).all().item<bool>(), "every pixel must be the first page's 60");
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("tif")]
    public void Denoise_and_metrics_of_a_file_of_many_large_frames_stay_within_the_bound(string format)
    {
        var path = folder.File($"many.{format}");
        File.WriteAllBytes(path, format == "gif"
            ? CraftedImages.ManyFrameGif(Side, Side, Frames)
            : CraftedImages.ManyPageTiff(Side, Side, Frames, page => (byte)page));
        Assert.True(new FileInfo(path).Length < 1 << 20, "the file itself is small");

        var denoise = CliProcess.Run("denoise", "--model", Model(), "--input", path, "--output", folder.File("out.png"));
        var metrics = CliProcess.Run("metrics", "--reference", path, "--image", path, "--json");

        Assert.Equal((0, ""), (denoise.Exit, denoise.Error));
        Assert.Equal((0, ""), (metrics.Exit, metrics.Error));
        Assert.Equal((Side, Side), GrayImage.Inspect(folder.File("out.png")));
        Assert.True(denoise.PeakBytes < Bound, $"denoise peaked at {denoise.PeakBytes >> 20} MiB");
        Assert.True(metrics.PeakBytes < Bound, $"metrics peaked at {metrics.PeakBytes >> 20} MiB");
    }

    [Fact]
    public void A_row_of_two_million_pixels_is_denoised_within_the_bound()
    {
        // ImageSharp's default pool cannot give one row of 8 MB of RGBA; tiles of a thin image are as thin as it is.
        var path = folder.File("row.png");
        File.WriteAllBytes(path, CraftedImages.GrayPng(2_000_000, 1, value: 90));

        var denoise = CliProcess.Run("denoise", "--model", Model(), "--input", path, "--output", folder.File("row-out.png"));

        Assert.Equal((0, ""), (denoise.Exit, denoise.Error));
        Assert.Equal((2_000_000, 1), GrayImage.Inspect(folder.File("row-out.png")));
        Assert.True(denoise.PeakBytes < Bound, $"denoise peaked at {denoise.PeakBytes >> 20} MiB");
    }

    [Fact]
    public void A_file_whose_header_says_zero_pixels_is_called_damaged()
    {
        var path = folder.File("empty.png");
        File.WriteAllBytes(path, Imaging.PngHeader.Claiming(0, 16));

        var error = Assert.Throws<InvalidDataException>(() => GrayImage.Load(path));

        Assert.Equal($"{path}: its header says 0x16 pixels; an image needs at least 1x1 - the file is damaged", error.Message);
    }

    private string Model()
    {
        var path = folder.File("model.dat");
        if (!File.Exists(path))
        {
            using var model = new ConvAutoencoder(seed: 3);
            ModelFile.Save(path, model, ModelMetadata.For(model, new TrainingOptions(), []));
        }
        return path;
    }
}
