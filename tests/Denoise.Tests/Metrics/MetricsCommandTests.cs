using System.CommandLine;
using System.Text.Json;
using Denoise.Cli;
using Denoise.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Denoise.Tests.Metrics;

[Collection("torch")]
public sealed class MetricsCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("denoise-metrics-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Json_output_has_exactly_mse_psnr_and_ssim_of_the_scaled_pixels()
    {
        var reference = WriteGray("reference.png", 8, 8, 100);
        var image = WriteGray("image.png", 8, 8, 110);

        var (exit, output, error) = Run("metrics", "--reference", reference, "--image", image, "--json");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(["mse", "psnr", "ssim"], json.RootElement.EnumerateObject().Select(p => p.Name));
        // Flat images 100/255 and 110/255: MSE (10/255)², PSNR 20·log10(25.5), SSIM (2ab + C1) / (a² + b² + C1).
        const double a = 100 / 255.0, b = 110 / 255.0, c1 = 1e-4;
        Assert.Equal(Math.Pow(10 / 255.0, 2), json.RootElement.GetProperty("mse").GetDouble(), 1e-9);
        Assert.Equal(20 * Math.Log10(25.5), json.RootElement.GetProperty("psnr").GetDouble(), 1e-4);
        Assert.Equal((2 * a * b + c1) / (a * a + b * b + c1), json.RootElement.GetProperty("ssim").GetDouble(), 1e-5);
    }

    [Fact]
    public void Text_output_names_each_metric_on_its_own_line()
    {
        var reference = WriteGray("reference.png", 8, 8, 100);
        var image = WriteGray("image.png", 8, 8, 110);

        var (exit, output, _) = Run("metrics", "--reference", reference, "--image", image);

        Assert.Equal(0, exit);
        var lines = output.Trim().Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("mse", lines[0]);
        Assert.Equal("psnr  28.13 dB", lines[1]);
        Assert.StartsWith("ssim", lines[2]);
    }

    [Fact]
    public void Identical_images_report_psnr_as_null_in_json()
    {
        var reference = WriteGray("reference.png", 8, 8, 77);

        var (exit, output, _) = Run("metrics", "--reference", reference, "--image", reference, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("psnr").ValueKind);
        Assert.Equal(0.0, json.RootElement.GetProperty("mse").GetDouble());
        Assert.Equal(1.0, json.RootElement.GetProperty("ssim").GetDouble(), 1e-12);
    }

    [Fact]
    public void A_colour_png_with_equal_channels_reads_as_the_same_gray()
    {
        var gray = WriteGray("gray.png", 8, 8, 140);
        var colour = Path.Combine(folder, "colour.png");
        using (var picture = new Image<Rgb24>(8, 8, new Rgb24(140, 140, 140)))
        {
            picture.SaveAsPng(colour);
        }

        var (exit, output, _) = Run("metrics", "--reference", gray, "--image", colour, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(0.0, json.RootElement.GetProperty("mse").GetDouble());
    }

    [Fact]
    public void Images_of_different_sizes_fail_with_one_line_naming_both_files_and_sizes()
    {
        var reference = WriteGray("reference.png", 8, 8, 100);
        var image = WriteGray("wider.png", 9, 8, 100);

        var (exit, _, error) = Run("metrics", "--reference", reference, "--image", image);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("reference.png is 8x8", error);
        Assert.Contains("wider.png is 9x8", error);
    }

    [Fact]
    public void A_missing_file_fails_with_one_line_naming_it()
    {
        var reference = WriteGray("reference.png", 8, 8, 100);
        var missing = Path.Combine(folder, "nowhere.png");

        var (exit, _, error) = Run("metrics", "--reference", reference, "--image", missing);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Equal($"denoise: {missing}: no such image file", error.Trim());
    }

    [Fact]
    public void A_file_that_is_not_an_image_fails_with_one_line_naming_it()
    {
        var reference = WriteGray("reference.png", 8, 8, 100);
        var text = Path.Combine(folder, "notes.png");
        File.WriteAllText(text, "not a picture");

        var (exit, _, error) = Run("metrics", "--reference", reference, "--image", text);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith($"denoise: {text}: not a {GrayImage.FormatList} image", error);
    }

    [Fact]
    public void Images_smaller_than_the_ssim_window_fail_naming_the_file()
    {
        var reference = WriteGray("tiny.png", 5, 6, 100);

        var (exit, _, error) = Run("metrics", "--reference", reference, "--image", reference);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Contains("tiny.png is 5x6", error);
        Assert.Contains("7x7", error);
    }

    [Fact]
    public void Leaving_out_the_reference_is_a_usage_error()
    {
        var image = WriteGray("image.png", 8, 8, 100);

        var (exit, _, error) = Run("metrics", "--image", image);

        Assert.Equal(CommandRunner.UsageError, exit);
        Assert.Contains("--reference", error);
    }

    private string WriteGray(string name, int width, int height, byte value)
    {
        var path = Path.Combine(folder, name);
        using var picture = new Image<L8>(width, height, new L8(value));
        picture.SaveAsPng(path);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand("test") { MetricsCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CommandRunner.Run(root, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
