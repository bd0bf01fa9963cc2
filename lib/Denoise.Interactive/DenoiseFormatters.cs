using Denoise.Evaluation;
using Denoise.Imaging;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Training;
using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Denoise.Interactive;

/// <summary>HTML formatters that make our types show themselves when a notebook cell ends with one.</summary>
public static class DenoiseFormatters
{
    public const string HtmlMimeType = "text/html";
    public const string PlainTextMimeType = "text/plain";

    /// <summary>Call once, in the notebook cell after the <c>#r</c> lines. Calling it again is harmless.</summary>
    public static void Register()
    {
        // Only the div and the Plotly.newPlot call: plotly.js itself is inlined once in the head of exported reports
        // (scripts/finalize_report.py), so a page with many charts carries one copy.
        RegisterHtml<PlotlyChart>(Charts.ToHtml);
        RegisterHtml<PngImage>(image => image.ToHtml());
        RegisterHtml<ImageGrid>(grid => new PngImage(grid.ToPng()).ToHtml());
        RegisterHtml<Table>(table => table.ToHtml());
        RegisterHtml<ModelSummary>(ModelHtml.Summary);
        RegisterHtml<TrainingHistory>(history => Charts.ToHtml(ModelHtml.LossCurves(history)));
        RegisterHtml<TrainingStatus>(status => status.ToHtml());
        RegisterHtml<NoiseSlider>(slider => slider.ToHtml());
        RegisterHtml<Scoreboard>(board => ScoreTable.Of(board.Scores).ToHtml());
        RegisterHtml<DenoisingComparison>(comparison => ScoreTable.Of(comparison.Scores).ToHtml());
        RegisterHtml<Robustness>(robustness => ScoreTable.Of(robustness.Rows).ToHtml());
        RegisterHtml<PhotoComparison>(comparison => ScoreTable.Of(comparison.Scores).ToHtml());
        RegisterHtml<LayoutScores>(scores => ScoreTable.Of(scores).ToHtml());
        RegisterHtml<Prose>(prose => prose.ToHtml());
        Formatter.Register<Prose>(prose => prose.Text, PlainTextMimeType);
        Formatter.Register<TrainingStatus>(status => status.ToString(), PlainTextMimeType);
    }

    /// <summary>Shows every <typeparamref name="T"/> as the HTML that <paramref name="toHtml"/> returns.</summary>
    /// <remarks>One line in <see cref="Register"/> per type, e.g.
    /// <c>RegisterHtml&lt;ImageGrid&gt;(g =&gt; new PngImage(g.ToPng(), "caption").ToHtml());</c>,
    /// <c>RegisterHtml&lt;TrainingHistory&gt;(h =&gt; Charts.ToHtml(Charts.Lines(...)));</c> or
    /// <c>RegisterHtml&lt;ModelSummary&gt;(s =&gt; HtmlTable.Of(["layer", "output", "parameters"], rows));</c></remarks>
    public static void RegisterHtml<T>(Func<T, string> toHtml)
    {
        ArgumentNullException.ThrowIfNull(toHtml);
        Formatter.Register<T>(value => toHtml(value), HtmlMimeType);
    }
}
