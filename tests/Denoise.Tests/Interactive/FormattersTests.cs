using System.Text.Json;
using System.Text.RegularExpressions;
using Denoise.Evaluation;
using Denoise.Interactive;
using Denoise.Metrics;
using Denoise.Noise;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Denoise.Tests.Interactive;

// Formatter registrations are process-wide, so every test that formats lives in this one class.
public sealed partial class FormattersTests
{
    public FormattersTests() => DenoiseFormatters.Register();

    [Fact]
    public void Bar_chart_shows_as_a_plotly_div_with_its_categories_values_and_titles()
    {
        var chart = Charts.Bar(["zero", "one", "two"], [3.0, 1.0, 2.0], "Digits", "digit", "count");

        var html = Formatter.ToDisplayString(chart, "text/html");

        Assert.Contains($"<div id=\"{chart.Id}\" style=\"width: 800px; height: 400px;\"></div>", html);
        Assert.Contains($"Plotly.newPlot('{chart.Id}', data, layout)", html);
        var (data, layout) = Parse(html);
        var bar = Assert.Single(data.EnumerateArray());
        Assert.Equal("bar", bar.GetProperty("type").GetString());
        Assert.Equal(["zero", "one", "two"], bar.GetProperty("x").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([3.0, 1.0, 2.0], bar.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("Digits", layout.GetProperty("title").GetString());
        Assert.Equal("digit", layout.GetProperty("xaxis").GetProperty("title").GetString());
        Assert.Equal("count", layout.GetProperty("yaxis").GetProperty("title").GetString());
        Assert.Equal(800, layout.GetProperty("width").GetDouble());
        Assert.Equal(400, layout.GetProperty("height").GetDouble());
    }

    [Fact]
    public void Chart_script_upgrades_string_titles_and_waits_for_plotly()
    {
        var html = Formatter.ToDisplayString(Charts.Bar(["a"], [1.0], "T", "x", "y"), "text/html");

        // plotly.js 3 ignores string titles; the script must turn them into {text: ...} before Plotly.newPlot.
        var upgrade = html.IndexOf("owner.title = { text: owner.title }", StringComparison.Ordinal);
        Assert.InRange(upgrade, 0, html.IndexOf("Plotly.newPlot(", StringComparison.Ordinal));
        // Drawn at once where plotly.js is on the page (reports), else after one shared load (live notebooks).
        Assert.Contains("if (typeof Plotly !== 'undefined') { draw(); return; }", html);
        Assert.Contains("window.denoisePlotly.then(draw", html);
    }

    [Fact]
    public void A_live_notebook_loads_the_plotly_bundle_that_reports_inline()
    {
        var buildScript = File.ReadAllLines(Path.Combine(Denoise.Data.DataFolder.FindRepoRoot(AppContext.BaseDirectory)!, "build.sh"));
        string Setting(string name) => buildScript.Single(l => l.StartsWith(name + "=", StringComparison.Ordinal)).Split('=', 2)[1].Trim();

        var html = Formatter.ToDisplayString(Charts.Bar(["a"], [1.0], "T", "x", "y"), "text/html");

        // The cartesian bundle's npm package and its file on plotly's CDN, of one version.
        Assert.Equal("plotly.js-cartesian-dist-min", Setting("PLOTLY_PACKAGE"));
        Assert.Equal(PlotlyHtml.CdnUrl, $"https://cdn.plot.ly/plotly-cartesian-{Setting("PLOTLY_VERSION")}.min.js");
        Assert.Contains($"script.src = '{PlotlyHtml.CdnUrl}';", html);
    }

    [Fact]
    public void Overlaid_histograms_share_bin_edges_spanning_all_series()
    {
        // Values span 0..2 over both series: 4 bins are 0.5 wide (widened by 1e-9 so 2.0 falls inside the last one).
        var chart = Charts.Histogram([("clean", [0.0, 0.25, 1.0]), ("noisy", [0.5, 2.0])], "Pixels", "value", bins: 4);

        var (data, layout) = Parse(Formatter.ToDisplayString(chart, "text/html"));

        Assert.Equal("overlay", layout.GetProperty("barmode").GetString());
        var traces = data.EnumerateArray().ToArray();
        Assert.Equal(["clean", "noisy"], traces.Select(t => t.GetProperty("name").GetString()));
        foreach (var trace in traces)
        {
            Assert.Equal("histogram", trace.GetProperty("type").GetString());
            Assert.Equal(Charts.OverlayOpacity, trace.GetProperty("opacity").GetDouble());
            var bins = trace.GetProperty("xbins");
            Assert.Equal(0.0, bins.GetProperty("start").GetDouble());
            Assert.Equal(0.5, bins.GetProperty("size").GetDouble(), 1e-6);
            Assert.Equal(2.0, bins.GetProperty("end").GetDouble(), 1e-6);
            Assert.True(bins.GetProperty("end").GetDouble() > 2.0, "the largest value must fall inside the last bin");
            // Counted here: one (bin centre, count) per bin, which plotly sums into the same bins.
            Assert.Equal("sum", trace.GetProperty("histfunc").GetString());
            Assert.Equal([0.25, 0.75, 1.25, 1.75], trace.GetProperty("x").EnumerateArray().Select(e => Math.Round(e.GetDouble(), 6)));
        }
        Assert.Equal([2.0, 1.0, 0.0, 0.0], traces[0].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        // Bins are a hair over 0.5 wide, so 0.5 and 1.0 fall below their edges, as plotly would bin them too.
        Assert.Equal([1.0, 0.0, 0.0, 1.0], traces[1].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public void Histograms_count_every_finite_value_once_and_skip_the_others()
    {
        // 1,000 values: the page carries 10 counts, not the values, and they add up to the finite ones.
        var values = Enumerable.Range(0, 1000).Select(i => i / 7.0).Append(double.PositiveInfinity).Append(double.NaN).ToArray();

        var html = Formatter.ToDisplayString(Charts.Histogram([("psnr", values)], "PSNR", "dB", bins: 10), "text/html");

        var trace = Assert.Single(Parse(html).Data.EnumerateArray());
        var counts = trace.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(10, counts.Length);
        Assert.Equal(1000, counts.Sum());
        Assert.All(counts, c => Assert.Equal(100, c));
        Assert.True(html.Length < 4000, $"the chart's HTML is {html.Length} characters");
    }

    [Fact]
    public void Loss_curves_are_one_named_line_per_series_over_the_epochs()
    {
        var chart = Charts.Lines([1.0, 2.0, 3.0], [("loss", [0.3, 0.2, 0.1]), ("val_loss", [0.35, 0.25, 0.2])], "Loss", "epoch", "MSE");

        var (data, layout) = Parse(Formatter.ToDisplayString(chart, "text/html"));

        var traces = data.EnumerateArray().ToArray();
        Assert.Equal(["loss", "val_loss"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([0.35, 0.25, 0.2], traces[1].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        Assert.All(traces, t => Assert.Equal([1.0, 2.0, 3.0], t.GetProperty("x").EnumerateArray().Select(e => e.GetDouble())));
        Assert.All(traces, t => Assert.Equal("lines+markers", t.GetProperty("mode").GetString()));
        Assert.True(layout.GetProperty("showlegend").GetBoolean());
    }

    [Fact]
    public void Lines_reject_a_series_whose_length_differs_from_x()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Charts.Lines([1.0, 2.0], [("loss", [0.3, 0.2]), ("val_loss", [0.3])], "Loss", "epoch", "MSE"));

        Assert.Contains("'val_loss' has 1 values but x has 2", error.Message);
    }

    [Fact]
    public void Bar_rejects_fewer_values_than_categories()
    {
        var error = Assert.Throws<ArgumentException>(() => Charts.Bar(["a", "b"], [1.0], "Digits", "digit", "count"));

        Assert.Contains("2 categories but 1 values", error.Message);
    }

    [Fact]
    public void Png_image_shows_as_a_base64_data_uri_with_an_escaped_caption()
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

        var html = Formatter.ToDisplayString(new PngImage(signature, "noisy <σ=0.5> & clean"), "text/html");

        // Base64 of the 8-byte PNG signature, as every PNG data URI begins.
        Assert.Contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\"", html);
        Assert.Contains("<figcaption style=\"font-size:90%;color:#444\">noisy &lt;σ=0.5&gt; &amp; clean</figcaption>", html);
    }

    [Fact]
    public void Png_image_rejects_bytes_that_are_not_a_png()
    {
        var error = Assert.Throws<ArgumentException>(() => new PngImage([0xFF, 0xD8, 0xFF], "a jpeg"));

        Assert.Contains("'a jpeg': the 3 bytes do not start with the PNG signature (found 0xFFD8FF)", error.Message);
    }

    [Fact]
    public void Registered_html_formatter_is_used_for_its_type()
    {
        DenoiseFormatters.RegisterHtml<Caption>(c => $"<b>{c.Text}</b>");

        Assert.Equal("<b>hello</b>", Formatter.ToDisplayString(new Caption("hello"), "text/html"));
    }

    [Fact]
    public void Training_status_shows_as_its_html_and_as_its_text()
    {
        var status = TrainingStatus.Start("s").After(TrainingDisplayTests.Batch(1, 2, 1, 4, seconds: 1));

        Assert.Equal(status.ToHtml(), Formatter.ToDisplayString(status, "text/html"));
        Assert.Equal(status.ToString(), Formatter.ToDisplayString(status, "text/plain"));
    }

    [Fact]
    public async Task In_a_notebook_every_update_goes_to_the_output_that_was_displayed_first()
    {
        using var kernel = new TrainingKernel(() =>
        {
            var display = TrainingDisplay.Show(TimeSpan.Zero);
            display.Report(TrainingDisplayTests.Batch(1, 1, 1, 2, seconds: 1));
            display.Report(TrainingDisplayTests.Batch(1, 1, 2, 2, seconds: 2));
            display.Report(TrainingDisplayTests.EpochEnd(1, 1, 2, seconds: 3, loss: 0.4, valLoss: 0.4));
        });

        var events = (await kernel.SendAsync(new SubmitCode("train"))).Events;

        var produced = Assert.Single(events.OfType<DisplayedValueProduced>());
        var updates = events.OfType<DisplayedValueUpdated>().ToList();
        Assert.Equal(3, updates.Count);
        // Jupyter replaces an output only when the update names the id it was displayed under.
        Assert.All(updates, u => Assert.Equal(produced.ValueId, u.ValueId));
        var last = updates[^1].FormattedValues.ToDictionary(v => v.MimeType, v => v.Value);
        Assert.Contains("done", last["text/plain"]);
        Assert.Contains("data-live-display=", last["text/html"]);
    }

    [Fact]
    public void Every_score_table_shows_through_one_formatter_with_the_same_columns_and_rounding()
    {
        var board = new Scoreboard([new MethodScore("noisy input", 9.41234, 0.371234, 0.1147), new MethodScore("unet", 21.00499, 0.899449, 0.0081234)]);
        var comparison = new DenoisingComparison(Report(9.41234, 0.371234, 0.1147), Report(14.2, 0.5, 0.04), Report(15.1, 0.6, 0.03),
            Report(21.00499, 0.899449, 0.0081234), "unet");
        var robustness = new Robustness([new GaussianNoise(0.1), new GaussianNoise(0.5)], ["noisy input", "unet"],
            new double[,] { { 20.0, 27.123 }, { 9.41234, 21.00499 } }, new double[,] { { 0.7, 0.95 }, { 0.371234, 0.899449 } });

        var boardHtml = Formatter.ToDisplayString(board, "text/html");
        var comparisonHtml = Formatter.ToDisplayString(comparison, "text/html");
        var robustnessHtml = Formatter.ToDisplayString(robustness, "text/html");

        Assert.Equal(ScoreTable.Of(board.Scores).ToHtml(), boardHtml);
        Assert.Equal(ScoreTable.Of(comparison.Scores).ToHtml(), comparisonHtml);
        Assert.Equal(ScoreTable.Of(robustness.Rows).ToHtml(), robustnessHtml);
        // PSNR to 2 decimals, SSIM to 4, MSE to 5, whichever table shows them.
        foreach (var html in new[] { boardHtml, comparisonHtml, robustnessHtml })
        {
            Assert.Contains(">PSNR (dB)</th>", html);
            Assert.Contains(">21</td>", html);          // 21.00499 rounds to 21.00, shown as 21
            Assert.Contains(">0.8994</td>", html);
            Assert.Contains(">9.41</td>", html);
        }
        Assert.Contains(">0.00812</td>", boardHtml);
        Assert.Contains(">0.00812</td>", comparisonHtml);
        Assert.DoesNotContain(">MSE</th>", robustnessHtml);
        Assert.Contains(">gaussian:0.5</td>", robustnessHtml);
        Assert.Equal(["noise", "method", "PSNR (dB)", "SSIM"], ScoreTable.Of(robustness.Rows).Headers);
        Assert.Equal(["method", "PSNR (dB)", "SSIM", "MSE"], ScoreTable.Of(board.Scores).Headers);
    }

    [Fact]
    public void Layout_scores_show_each_method_with_its_scores_on_every_layout_side_by_side()
    {
        var centred = new Scoreboard([new MethodScore("noisy input", 9.41234, 0.371234, 0.1147), new MethodScore("unet", 21.00499, 0.899449, 0.0081)]);
        var strips = new Scoreboard([new MethodScore("noisy input", 9.38, 0.11, 0.11), new MethodScore("unet", 22.861, 0.90912, 0.005)]);
        var scores = new LayoutScores(["centred", "strips"], [centred, strips]);

        var html = Formatter.ToDisplayString(scores, "text/html");

        Assert.Equal(ScoreTable.Of(scores).ToHtml(), html);
        Assert.Equal(["method", "centred PSNR (dB)", "centred SSIM", "strips PSNR (dB)", "strips SSIM"], ScoreTable.Of(scores).Headers);
        Assert.Contains(">22.86</td>", html);
        Assert.Contains(">0.9091</td>", html);
        Assert.Contains(">0.8994</td>", html);
    }

    [Fact]
    public void Grouped_bars_draw_one_bar_of_each_series_per_category()
    {
        var chart = Charts.GroupedBars(["centred", "shifted"], [("seed", [19.4, 18.2]), ("unet", [21.0, 20.9])], "Where the digits sit", "layout", "PSNR (dB)");

        var (data, layout) = Parse(Formatter.ToDisplayString(chart, "text/html"));

        Assert.Equal("group", layout.GetProperty("barmode").GetString());
        Assert.Equal(["seed", "unet"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(data.EnumerateArray(), t => Assert.Equal(["centred", "shifted"], t.GetProperty("x").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal([21.0, 20.9], data[1].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Contains("series 'seed' has 1 values but there are 2 categories",
            Assert.Throws<ArgumentException>(() => Charts.GroupedBars(["a", "b"], [("seed", [1.0])], "T", "x", "y")).Message);
    }

    [Fact]
    public void Prose_shows_as_paragraphs_and_lists_like_the_markdown_around_it()
    {
        var prose = Prose.Of("The model lifts PSNR from 9.4 to 21.0 dB\nand SSIM <a lot>.\n\n- first & one\n- second");

        var html = Formatter.ToDisplayString(prose, "text/html");

        Assert.Equal("<div class=\"denoise-prose\"><p>The model lifts PSNR from 9.4 to 21.0 dB and SSIM &lt;a lot&gt;.</p><ul><li>first &amp; one</li><li>second</li></ul></div>", html);
        Assert.Equal(prose.Text, Formatter.ToDisplayString(prose, "text/plain"));
        Assert.Equal("<div class=\"denoise-prose\"><ul><li>a</li><li>b</li></ul></div>", Prose.List("a", "b").ToHtml());
    }

    private static QualityReport Report(double psnr, double ssim, double mse) => new([mse], [psnr], [ssim]);

    private sealed record Caption(string Text);

    /// <summary>A kernel whose every submission runs <paramref name="work"/>, as a notebook cell would.</summary>
    private sealed class TrainingKernel(Action work) : Kernel("training-test"), IKernelCommandHandler<SubmitCode>
    {
        public Task HandleAsync(SubmitCode command, KernelInvocationContext context)
        {
            work();
            return Task.CompletedTask;
        }
    }

    private static (JsonElement Data, JsonElement Layout) Parse(string html)
    {
        var data = DataJson().Match(html);
        var layout = LayoutJson().Match(html);
        Assert.True(data.Success && layout.Success, "the chart script declares var data and var layout");
        return (JsonDocument.Parse(data.Groups[1].Value).RootElement, JsonDocument.Parse(layout.Groups[1].Value).RootElement);
    }

    [GeneratedRegex(@"var data = (.*?);\s*$", RegexOptions.Multiline)]
    private static partial Regex DataJson();

    [GeneratedRegex(@"var layout = (.*?);\s*$", RegexOptions.Multiline)]
    private static partial Regex LayoutJson();
}
