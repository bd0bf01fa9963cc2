using System.Diagnostics;
using Denoise.Imaging;
using Denoise.Models;
using Denoise.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static Denoise.Tests.Cli.CliRun;
using static TorchSharp.torch;

namespace Denoise.Tests.Cli;

/// <summary>`denoise denoise` with the inputs users and attackers give it: its own files, odd names, special files, full folders.</summary>
[Collection("torch")]
public sealed class DenoiseInputsTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string modelPath;

    public DenoiseInputsTests()
    {
        modelPath = folder.File("model.dat");
        using var model = new ConvAutoencoder(seed: 3);
        ModelFile.Save(modelPath, model, ModelMetadata.For(model, new TrainingOptions(), []));
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_output_that_is_the_input_file_is_refused_and_the_input_kept()
    {
        var input = WriteImage("in.png");
        var before = File.ReadAllBytes(input);

        var (exit, _, error) = Run("denoise", "--model", modelPath, "--input", input, "--output", input);

        Assert.Equal((1, $"denoise: --output {input} is the input image itself; give another file name\n"), (exit, error));
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void An_output_folder_that_is_the_input_folder_is_refused_even_through_a_link()
    {
        WriteImage(Path.Combine("in", "a.png"));
        var link = folder.File("link");
        Directory.CreateSymbolicLink(link, folder.File("in"));
        var before = File.ReadAllBytes(folder.File("in", "a.png"));

        var (exit, _, error) = Run("denoise", "--model", modelPath, "--input", folder.File("in"), "--output", link + "/");

        Assert.Equal(1, exit);
        Assert.StartsWith($"denoise: --output {link}/ is the input folder", error);
        Assert.Equal(before, File.ReadAllBytes(folder.File("in", "a.png")));
        Assert.Single(Directory.GetFiles(folder.File("in")));
    }

    [Fact]
    public void Images_of_every_accepted_format_and_any_extension_case_are_denoised_to_png()
    {
        WriteImage(Path.Combine("in", "A.PNG"));
        using (var jpeg = new Image<L8>(20, 16))
            jpeg.SaveAsJpeg(folder.File("in", "b.Jpg"));
        File.WriteAllText(folder.File("in", "notes.txt"), "not an image, and not read");

        var (exit, output, error) = Run("denoise", "--model", modelPath, "--input", folder.File("in"), "--output", folder.File("out"));

        Assert.Equal((0, ""), (exit, error));
        Assert.Contains("denoised 2 images", output);
        Assert.Equal(["A.png", "b.png"], Directory.GetFiles(folder.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var b = GrayImage.Load(folder.File("out", "b.png"));
        Assert.Equal(new long[] { 1, 16, 20 }, b.shape);
    }

    [Fact]
    public void A_fifo_in_the_folder_is_skipped_counted_and_makes_the_exit_code_non_zero()
    {
        WriteImage(Path.Combine("in", "a.png"));
        var fifo = folder.File("in", "pipe.png");
        using (var mkfifo = Process.Start("mkfifo", fifo))
            mkfifo.WaitForExit();

        var (exit, output, error) = Run("denoise", "--model", modelPath, "--input", folder.File("in"), "--output", folder.File("out"));

        Assert.Equal((1, ""), (exit, error));
        Assert.Equal($"denoised 1 image -> {folder.File("out")}; skipped 1 that is not a regular file (pipe.png)\n", output);
        Assert.True(File.Exists(folder.File("out", "a.png")));
    }

    [Fact]
    public void A_single_output_that_is_not_a_png_name_is_refused()
    {
        var input = WriteImage("in.png");

        var (exit, _, error) = Run("denoise", "--model", modelPath, "--input", input, "--output", folder.File("out.jpg"));

        Assert.Equal((1, $"denoise: --output {folder.File("out.jpg")}: denoised images are written as PNG; give a name ending in .png\n"), (exit, error));
        Assert.False(File.Exists(folder.File("out.jpg")));
    }

    [Fact]
    public void Two_inputs_that_would_share_an_output_name_are_refused_before_anything_is_written()
    {
        WriteImage(Path.Combine("in", "a.png"));
        using (var jpeg = new Image<L8>(20, 16))
            jpeg.SaveAsJpeg(folder.File("in", "a.jpg"));

        var (exit, _, error) = Run("denoise", "--model", modelPath, "--input", folder.File("in"), "--output", folder.File("out"));

        Assert.Equal((1, $"denoise: a.jpg and a.png would both be written as {folder.File("out", "a.png")}; rename one\n"), (exit, error));
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void A_write_failing_part_way_through_a_folder_is_reported_as_partial()
    {
        WriteImage(Path.Combine("in", "a.png"));
        // The second input's header is fine, so it passes the checks made before anything is written; its pixels are missing.
        File.WriteAllBytes(folder.File("in", "b.png"), Imaging.CraftedImages.PngWithoutPixels(20, 24));
        WriteImage(Path.Combine("in", "c.png"));

        var (exit, _, error) = Run("denoise", "--model", modelPath, "--input", folder.File("in"), "--output", folder.File("out"));

        Assert.Equal(1, exit);
        Assert.StartsWith($"denoise: denoised 1 of 3 images before {folder.File("in", "b.png")} failed: {folder.File("in", "b.png")}: not a PNG", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.True(File.Exists(folder.File("out", "a.png")));
        Assert.Empty(Directory.GetFiles(folder.File("out"), "*.tmp", SearchOption.AllDirectories));
    }

    private string WriteImage(string name)
    {
        var path = folder.File(name);
        using var image = rand([1, 24, 20], generator: new Generator(5));
        GrayImage.Save(image, path);
        return path;
    }
}
