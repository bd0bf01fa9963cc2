using Denoise.Metrics;
using Denoise.Models;
using static TorchSharp.torch;

namespace Denoise.Evaluation;

/// <summary>
/// How methods hold up where the digits sit: a <see cref="Scoreboard"/> for each layout of the test digits (centred as
/// MNIST has them, shifted, in strips: <c>Data.DigitLayouts</c>), every method on the same noisy images of each.
/// </summary>
public sealed record LayoutScores(IReadOnlyList<string> Layouts, IReadOnlyList<Scoreboard> Boards)
{
    /// <summary>Scores the baselines and each model on every named layout's noisy images against its clean ones.</summary>
    public static LayoutScores Measure(IReadOnlyList<(string Layout, Tensor Clean, Tensor Noisy)> sets, IReadOnlyList<(string Name, Denoiser Model)> models)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
            throw new ArgumentException("give at least one layout to score", nameof(sets));
        return new LayoutScores([.. sets.Select(s => s.Layout)], [.. sets.Select(s => Scoreboard.Of(s.Clean, s.Noisy, models))]);
    }

    /// <summary>The methods scored, in the scoreboards' order (baselines first).</summary>
    public IReadOnlyList<string> Methods => [.. Boards[0].Scores.Select(s => s.Method)];

    /// <summary>The scoreboard of <paramref name="layout"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such layout; the message lists those there are.</exception>
    public Scoreboard this[string layout] => Layouts.ToList().IndexOf(layout) is var i and >= 0
        ? Boards[i]
        : throw new KeyNotFoundException($"no layout '{layout}' was scored; there are {string.Join(", ", Layouts)}");

    /// <summary>The scores of <paramref name="method"/> on <paramref name="layout"/>.</summary>
    public MethodScore this[string layout, string method] => this[layout][method];

    /// <summary>For each of <paramref name="methods"/> (default: all), its PSNR on each layout, as grouped bar charts take them.</summary>
    public IReadOnlyList<(string Name, double[] Values)> PsnrSeries(params string[] methods) =>
        [.. (methods.Length == 0 ? Methods : methods).Select(m => (m, Boards.Select(b => b[m].PsnrDb).ToArray()))];
}
