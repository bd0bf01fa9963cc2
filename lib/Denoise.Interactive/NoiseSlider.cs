using System.Text.Json;
using Denoise.Imaging;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Interactive;

/// <summary>
/// One interactive figure for a range of noise levels: a slider over the levels, and for the chosen one the same digits
/// noisy and as each model denoises them, one row each (a plotly.js image per level, an 8-bit grayscale PNG like every
/// other picture in the notebooks; the slider shows one at a time). All levels are computed up front, so the figure
/// works in an exported, offline report as in a live notebook.
/// </summary>
public sealed record NoiseSlider(string Title, IReadOnlyList<string> Levels, IReadOnlyList<string> Rows, IReadOnlyList<float[,]> Mosaics)
{
    /// <summary>Screen pixels per image pixel.</summary>
    public const int Scale = 3;

    /// <summary>Dark pixels between two digits of a row and between rows.</summary>
    public const int Gap = 2;

    /// <summary>
    /// Adds each noise of <paramref name="levels"/> to <paramref name="digits"/> (N×1×H×W, seeded with <paramref name="seed"/>)
    /// and lays out, per level, the noisy digits and each model's output as rows of one mosaic.
    /// </summary>
    public static NoiseSlider Of(string title, Tensor digits, IReadOnlyList<NoiseSpec> levels, IReadOnlyList<(string Name, Denoiser Model)> models, long seed)
    {
        var mosaics = levels.Select(level =>
        {
            using var scope = NewDisposeScope();
            var noisy = level.Apply(digits, seed);
            return Mosaic([noisy, .. models.Select(m => ImageDenoiser.Denoise(m.Model, noisy))]);
        }).ToList();
        return new NoiseSlider(title, [.. levels.Select(l => l.ToString())], [.. models.Select(m => m.Name).Prepend("noisy")], mosaics);
    }

    /// <summary>Rows of N×1×H×W images side by side, <see cref="Gap"/> pixels apart, as one H'×W' array of values in [0, 1].</summary>
    internal static float[,] Mosaic(IReadOnlyList<Tensor> rows)
    {
        var (count, height, width) = (rows[0].shape[0], rows[0].shape[2], rows[0].shape[3]);
        var mosaic = new float[rows.Count * (height + Gap) - Gap, count * (width + Gap) - Gap];
        for (var r = 0; r < rows.Count; r++)
        {
            var pixels = rows[r].clamp(Scalars.Zero, Scalars.One).contiguous().data<float>().ToArray();
            for (var i = 0; i < count; i++)
                for (var y = 0; y < height; y++)
                    for (var x = 0; x < width; x++)
                        mosaic[r * (height + Gap) + y, i * (width + Gap) + x] = pixels[(i * height + y) * width + x];
        }
        return mosaic;
    }

    public int Width => Mosaics[0].GetLength(1) * Scale + 180;

    public int Height => Mosaics[0].GetLength(0) * Scale + 190;

    /// <summary>The figure as a div and its plotting script (plotly.js itself is inlined once in exported reports).</summary>
    public string ToHtml(string? id = null)
    {
        var rowHeight = Mosaics[0].GetLength(0) / (double)Rows.Count;
        var data = Mosaics.Select((mosaic, i) => new Dictionary<string, object>
        {
            ["type"] = "image",
            ["source"] = Png(mosaic),
            ["hoverinfo"] = "skip",
            ["visible"] = i == 0,
        });
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = Title },
            ["width"] = Width,
            ["height"] = Height,
            ["margin"] = new { l = 110, r = 60, t = 50, b = 110 },
            ["xaxis"] = new { visible = false, constrain = "domain" },
            ["yaxis"] = new
            {
                autorange = "reversed", scaleanchor = "x", showgrid = false, zeroline = false, ticks = "",
                tickvals = Rows.Select((_, r) => (r + 0.5) * rowHeight - Gap / 2.0).ToArray(), ticktext = Rows,
            },
            ["sliders"] = new[]
            {
                new
                {
                    active = 0,
                    currentvalue = new { prefix = "noise: " },
                    pad = new { t = 30 },
                    steps = Levels.Select((level, i) => new
                    {
                        label = level,
                        method = "restyle",
                        args = new object[] { new { visible = Levels.Select((_, j) => j == i).ToArray() } },
                    }).ToArray(),
                },
            },
        };
        return PlotlyHtml.Of(id ?? $"noise-slider-{Guid.NewGuid():N}", Width, Height, JsonSerializer.Serialize(data), JsonSerializer.Serialize(layout));
    }

    /// <summary>
    /// The mosaic as a PNG data URI: 8-bit grayscale, the precision of the pictures beside it, and compressed (a raw byte
    /// per pixel would be twice the size, numbers with two decimals five times).
    /// </summary>
    internal static string Png(float[,] mosaic)
    {
        using var image = tensor(mosaic);
        return "data:image/png;base64," + Convert.ToBase64String(GrayImage.ToPng(image, smallest: true));
    }
}
