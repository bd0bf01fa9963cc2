using System.CommandLine;
using System.Globalization;
using Denoise.Imaging;
using Denoise.Metrics;
using static TorchSharp.torch;

namespace Denoise.Cli;

/// <summary>`denoise metrics --reference A.png --image B.png [--json]`: MSE, PSNR and SSIM of one image pair.</summary>
public static class MetricsCommand
{
    public static Command Create()
    {
        var reference = new Option<string>("--reference")
        {
            Description = $"The clean image ({GrayImage.FormatList}; colour is converted to gray, transparency composited on black).",
            Required = true,
        };
        var image = new Option<string>("--image")
        {
            Description = "The image to score against the reference; must have the same size.",
            Required = true,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print {\"mse\": ..., \"psnr\": ..., \"ssim\": ...}; psnr is null for identical images (infinite).",
        };

        var command = new Command("metrics", "Compare an image with its clean reference: MSE, PSNR (dB) and SSIM, pixels scaled to [0, 1].")
        {
            reference, image, json,
        };
        command.SetAction(parseResult =>
        {
            NativeHeap.ReturnLargeBlocks();
            var referencePath = parseResult.GetValue(reference)!;
            var imagePath = parseResult.GetValue(image)!;
            var output = parseResult.InvocationConfiguration.Output;

            // Sizes from the headers first: a pair that cannot be compared is refused before either is decoded.
            var (width, height) = GrayImage.Inspect(referencePath);
            var (imageWidth, imageHeight) = GrayImage.Inspect(imagePath);
            if ((width, height) != (imageWidth, imageHeight))
            {
                throw new InvalidDataException(
                    $"{referencePath} is {width}x{height} but {imagePath} is {imageWidth}x{imageHeight} - compare images of the same size");
            }

            if (width < ImageMetrics.SsimWindow || height < ImageMetrics.SsimWindow)
            {
                throw new InvalidDataException(
                    $"{referencePath} is {width}x{height} - SSIM needs images of at least {ImageMetrics.SsimWindow}x{ImageMetrics.SsimWindow} pixels");
            }

            using var scope = NewDisposeScope();
            var referencePixels = GrayImage.Load(referencePath);
            var imagePixels = GrayImage.Load(imagePath);
            var quality = ImageMetrics.Measure(referencePixels, imagePixels);
            output.WriteLine(parseResult.GetValue(json) ? ToJson(quality) : ToText(quality));
            return 0;
        });
        return command;
    }

    internal static string ToJson(ImageQuality quality) =>
        $"{{\"mse\": {JsonNumber(quality.Mse)}, \"psnr\": {JsonNumber(quality.Psnr)}, \"ssim\": {JsonNumber(quality.Ssim)}}}";

    private static string ToText(ImageQuality quality) => string.Join(Environment.NewLine,
        $"mse   {quality.Mse.ToString("G6", CultureInfo.InvariantCulture)}",
        $"psnr  {(double.IsPositiveInfinity(quality.Psnr) ? "inf (identical images)" : quality.Psnr.ToString("F2", CultureInfo.InvariantCulture) + " dB")}",
        $"ssim  {quality.Ssim.ToString("F4", CultureInfo.InvariantCulture)}");

    /// <summary>JSON has no infinity; null keeps the output parseable by strict readers such as jq.</summary>
    private static string JsonNumber(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null";
}
