using System.Text.Json;
using Denoise.Data;
using Denoise.Imaging;
using Denoise.Models;
using Denoise.Training;
using static Denoise.Tests.Cli.CliRun;
using static TorchSharp.torch;

namespace Denoise.Tests.Cli;

/// <summary>`evaluate` and `denoise` with a photo model (untrained: what is checked is the plumbing, not its quality).</summary>
[Collection("torch")]
public sealed class PhotoModelCommandsTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string modelPath;

    public PhotoModelCommandsTests()
    {
        modelPath = folder.File("photo-unet.dat");
        using var model = new PhotoUNet(seed: 3);
        ModelFile.Save(modelPath, model, ModelMetadata.For(model, Architectures.Get(PhotoUNet.ArchitectureName).Recipe with { Epochs = 1 }, []));
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Evaluate_scores_crops_of_the_test_photos_against_every_classical_method_as_json()
    {
        var (exit, output, error) = Run("evaluate", "--model", modelPath, "--noise", "gaussian:25/255", "--limit", "2", "--crop", "40", "--json");

        Assert.Equal((0, ""), (exit, error));
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(("photos", PhotoUNet.ArchitectureName, 2), (root.GetProperty("dataset").GetString(), root.GetProperty("arch").GetString(), root.GetProperty("images").GetInt32()));
        Assert.Equal(PhotoCatalog.Part(Split.Test).Take(2).Select(p => p.Name), root.GetProperty("photos").EnumerateArray().Select(e => e.GetString()));
        double Psnr(string method) => root.GetProperty(method).GetProperty("psnr").GetDouble();
        // σ 25/255 on a photo: the noisy input scores about 20 dB; each filter, and non-local means most, does better.
        Assert.InRange(Psnr("noisy"), 19, 22);
        Assert.True(Psnr("non_local_means") > Psnr("noisy") + 3, $"non-local means {Psnr("non_local_means")} dB, noisy {Psnr("noisy")} dB");
        Assert.True(Psnr("median3x3") > Psnr("noisy"));
        Assert.True(double.IsFinite(Psnr("gaussian_blur")) && double.IsFinite(Psnr("denoised")));
    }

    [Fact]
    public void Evaluate_prints_a_table_with_non_local_means_and_names_the_photos()
    {
        var (exit, output, error) = Run("evaluate", "--model", modelPath, "--noise", "gaussian:50/255", "--limit", "1", "--crop", "24");

        Assert.Equal((0, ""), (exit, error));
        Assert.Contains("non-local means", output);
        Assert.Contains(PhotoUNet.ArchitectureName, output);
        Assert.Contains("centre 24 x 24", output);
    }

    [Fact]
    public void A_crop_of_digits_is_refused_in_one_line()
    {
        var (exit, _, error) = Run("evaluate", "--model", modelPath, "--dataset", "mnist", "--crop", "24");

        Assert.NotEqual(0, exit);
        Assert.Equal("denoise: --crop is for photos; the mnist test images are scored whole", error.Trim());
    }

    [Theory]
    [InlineData("--layout", "shifted")]
    [InlineData("--ensemble", "flips")]
    public void A_digit_option_with_the_photos_is_refused_in_one_line(string option, string value)
    {
        var (exit, _, error) = Run("evaluate", "--model", modelPath, option, value, "--crop", "24");

        Assert.NotEqual(0, exit);
        Assert.Equal($"denoise: {option} is for the digit test sets; the photos are scored whole (or their centres, with --crop)", error.Trim());
    }

    [Fact]
    public void Denoise_keeps_a_colour_photo_in_colour_and_a_grey_one_grey()
    {
        using var test = Photos.LoadPart(Split.Test, color: true);
        var colourPhoto = test.Photos.First(p => p.File.IsColor);
        using var colour = colourPhoto.Image.narrow(1, 100, 37).narrow(2, 120, 45).contiguous();
        Directory.CreateDirectory(folder.File("in"));
        ColorImage.Save(colour, folder.File("in", "colour.png"));
        GrayImage.Save(ColorImage.ToGray(colour), folder.File("in", "grey.png"));

        var (exit, output, error) = Run("denoise", "--model", modelPath, "--input", folder.File("in"), "--output", folder.File("out"));

        Assert.Equal((0, ""), (exit, error));
        Assert.Contains("denoised 2 images", output);
        using var denoisedColour = ColorImage.Load(folder.File("out", "colour.png"));
        using var denoisedGrey = ColorImage.Load(folder.File("out", "grey.png"));
        Assert.Equal([3L, 37, 45], denoisedColour.shape);
        Assert.Equal([3L, 37, 45], denoisedGrey.shape);
        Assert.False(denoisedColour[0].eq(denoisedColour[2]).all().item<bool>(), "the red and blue planes of a colour photo stay apart");
        Assert.True(denoisedGrey[0].eq(denoisedGrey[1]).all().item<bool>() && denoisedGrey[1].eq(denoisedGrey[2]).all().item<bool>(), "grey stays grey");
        // Per channel: the red plane of the output is what the model makes of the red plane of the input file alone,
        // up to the output's rounding to 8 bits (half a grey level; 1e-6 for float32 rounding of values near 1).
        using var input = ColorImage.Load(folder.File("in", "colour.png"));
        using var model = ModelFile.Load(modelPath).Model;
        using var red = ImageDenoiser.Denoise(model, input.narrow(0, 0, 1).unsqueeze(0))[0, 0];
        Assert.True(denoisedColour[0].sub(red).abs().max().item<float>() <= 0.5f / 255 + 1e-6f);
    }
}
