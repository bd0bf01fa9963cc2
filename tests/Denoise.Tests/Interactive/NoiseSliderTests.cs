using System.Text.Json;
using System.Text.RegularExpressions;
using Denoise.Imaging;
using Denoise.Interactive;
using Denoise.Models;
using Denoise.Noise;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Interactive;

[Collection("torch")]
public sealed class NoiseSliderTests
{
    [Fact]
    public void A_mosaic_puts_each_row_of_images_side_by_side_with_gaps()
    {
        using var first = arange(2 * 3 * 4, dtype: float32).div(100).reshape(2, 1, 3, 4);
        using var second = ones(2, 1, 3, 4);

        var mosaic = NoiseSlider.Mosaic([first, second]);

        const int gap = NoiseSlider.Gap;
        Assert.Equal((2 * 3 + gap, 2 * 4 + gap), (mosaic.GetLength(0), mosaic.GetLength(1)));
        // Pixels are copied, but k / 100 in float32 and the literal may differ by an ulp: 6 decimals.
        Assert.Equal(0.05f, mosaic[1, 1], 6);                  // first image, row 1, column 1: 1·4 + 1
        Assert.Equal(0.12f + 0.05f, mosaic[1, 4 + gap + 1], 6);  // second image of the first row
        Assert.Equal(0f, mosaic[3, 0]);                        // the gap between the rows
        Assert.Equal(1f, mosaic[3 + gap, 4 + gap + 3]);
    }

    [Fact]
    public void The_figure_has_one_image_and_one_slider_step_per_level_and_shows_the_first()
    {
        using var digits = rand(3, 1, 28, 28, generator: new Generator(1));
        using var model = new ConvAutoencoder(seed: 1);
        NoiseSpec[] levels = [new GaussianNoise(0.1), new GaussianNoise(0.5), new GaussianNoise(0.9)];

        var slider = NoiseSlider.Of("noise levels", digits, levels, [("seed", model)], seed: 2);
        var html = slider.ToHtml("fig");

        Assert.Equal(["noisy", "seed"], slider.Rows);
        Assert.Equal(["gaussian:0.1", "gaussian:0.5", "gaussian:0.9"], slider.Levels);
        Assert.Equal(3, Regex.Matches(html, "\"type\":\"image\"").Count);
        Assert.Single(Regex.Matches(html, "\"visible\":true"));
        Assert.Single(Regex.Matches(html, @"Plotly\.newPlot\("));
        Assert.Contains("\"label\":\"gaussian:0.9\"", html);
        Assert.Contains("<div id=\"fig\"", html);
        // The noisy row of the middle level is that noise on those digits (the same seeded draw, copied: 6 decimals of a
        // float32 in [0, 1] hold its ulp).
        using var noisy = levels[1].Apply(digits, 2);
        Assert.Equal(Math.Clamp(noisy[1, 0, 5, 7].item<float>(), 0, 1), slider.Mosaics[1][5, 28 + NoiseSlider.Gap + 7], 6);
        // The page carries each mosaic as an 8-bit grayscale PNG.
        var data = JsonDocument.Parse(Regex.Match(html, @"var data = (.*?);\s*$", RegexOptions.Multiline).Groups[1].Value).RootElement;
        var source = data[1].GetProperty("source").GetString()!;
        Assert.StartsWith("data:image/png;base64,", source);
        using var picture = GrayImage.Decode(Convert.FromBase64String(source["data:image/png;base64,".Length..]));
        Assert.Equal([slider.Mosaics[1].GetLength(0), slider.Mosaics[1].GetLength(1)], picture.shape[^2..]);
        Assert.Equal(Math.Round(slider.Mosaics[1][5, 28 + NoiseSlider.Gap + 7] * 255) / 255,
            picture.reshape(picture.shape[^2], picture.shape[^1])[5, 28 + NoiseSlider.Gap + 7].item<float>(), 6);
    }
}
