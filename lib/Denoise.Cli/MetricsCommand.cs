using System.CommandLine;
using System.Globalization;
using Denoise.Metrics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;
using Size = SixLabors.ImageSharp.Size;

namespace Denoise.Cli;

/// <summary>`denoise metrics --reference A.png --image B.png [--json]`: MSE, PSNR and SSIM of one image pair.</summary>
public static class MetricsCommand
{
    public static Command Create()
    {
        var reference = new Option<string>("--reference")
        {
            Description = "The clean image (PNG or any format ImageSharp reads; colour is converted to gray).",
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
            var referencePath = parseResult.GetValue(reference)!;
            var imagePath = parseResult.GetValue(image)!;
            var output = parseResult.InvocationConfiguration.Output;

            using var scope = NewDisposeScope();
            var (referencePixels, referenceSize) = GrayPng.Read(referencePath);
            var (imagePixels, imageSize) = GrayPng.Read(imagePath);
            if (referenceSize != imageSize)
            {
                throw new InvalidDataException(
                    $"{referencePath} is {referenceSize.Width}x{referenceSize.Height} but {imagePath} is {imageSize.Width}x{imageSize.Height} - compare images of the same size");
            }

            if (referenceSize.Width < ImageMetrics.SsimWindow || referenceSize.Height < ImageMetrics.SsimWindow)
            {
                throw new InvalidDataException(
                    $"{referencePath} is {referenceSize.Width}x{referenceSize.Height} - SSIM needs images of at least {ImageMetrics.SsimWindow}x{ImageMetrics.SsimWindow} pixels");
            }

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

    /// <summary>Reads an image as a 1×H×W float tensor in [0, 1] (the Imaging chapter will take this over).</summary>
    private static class GrayPng
    {
        public static (Tensor Pixels, Size Size) Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: file not found", path);
            }

            Image<L8> picture;
            try
            {
                picture = Image.Load<L8>(path);
            }
            catch (ImageFormatException e)
            {
                throw new InvalidDataException($"{path}: not a readable image (expected PNG, JPEG, BMP, GIF, TIFF, TGA or WebP)", e);
            }

            using (picture)
            {
                var bytes = new byte[picture.Width * picture.Height];
                picture.CopyPixelDataTo(bytes);
                var pixels = tensor(bytes, dtype: ScalarType.Byte).reshape(1, picture.Height, picture.Width)
                    .to_type(ScalarType.Float32) / 255f;
                return (pixels, picture.Size());
            }
        }
    }
}
