using XPlot.Plotly;

namespace Denoise.Interactive;

/// <summary>Thin wrappers over XPlot.Plotly so every chart in the notebooks has the same size and labelled axes.</summary>
public static class Charts
{
    public const int Width = 800;
    public const int Height = 400;

    /// <summary>Opacity of overlaid histograms: low enough to see one distribution through another.</summary>
    public const double OverlayOpacity = 0.6;

    /// <summary>Bins of overlaid histograms when the caller does not say.</summary>
    public const int DefaultBins = 40;

    /// <summary>Lines with more points than this are drawn without markers, which would only clutter them.</summary>
    public const int MaxPointsWithMarkers = 50;

    /// <summary>The HTML a notebook shows for <paramref name="chart"/>: its div and plotting script (plotly.js itself is
    /// expected on the page). For formatters that put a chart next to other HTML.</summary>
    public static string ToHtml(PlotlyChart chart) => PlotlyHtml.Of(chart);

    /// <summary>One bar per category.</summary>
    public static PlotlyChart Bar(IEnumerable<string> categories, IEnumerable<double> values, string title, string xTitle, string yTitle)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(values);
        var x = categories.ToArray();
        var y = values.ToArray();
        if (x.Length != y.Length)
            throw new ArgumentException($"Charts.Bar '{title}': {x.Length} categories but {y.Length} values; give one value per category.", nameof(values));
        var bar = new Bar { x = x, y = y };
        return Finish(Chart.Plot(bar, NewLayout(title, xTitle, yTitle, showLegend: false)));
    }

    /// <summary>Bars grouped by category, one bar of each named series in every group (e.g. each method on each layout).</summary>
    public static PlotlyChart GroupedBars(IEnumerable<string> categories, IEnumerable<(string Name, double[] Values)> series, string title, string xTitle, string yTitle)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var x = categories.ToArray();
        var traces = Named(series, title).Select(s => s.Values.Length == x.Length
            ? new Bar { x = x, y = s.Values, name = s.Name }
            : throw new ArgumentException($"Charts.GroupedBars '{title}': series '{s.Name}' has {s.Values.Length} values but there are {x.Length} categories.", nameof(series))).ToArray();
        var layout = NewLayout(title, xTitle, yTitle, showLegend: true);
        layout.barmode = "group";
        return Finish(Chart.Plot(traces, layout));
    }

    /// <summary>One histogram per named series, overlaid and translucent so the distributions can be compared.</summary>
    /// <remarks>All series share the same bin edges (equal-width bins from the smallest to the largest value of any
    /// series): plotly would otherwise bin each overlaid trace on its own and the bars would not line up. The values are
    /// counted here and plotly gets one (bin centre, count) pair per bin, summed into the same bins: the same bars as
    /// from every value, without 10,000 values per series in the page. Values that are not finite are not counted.</remarks>
    public static PlotlyChart Histogram(
        IEnumerable<(string Name, double[] Values)> series, string title, string xTitle, string yTitle = "count", int bins = DefaultBins)
    {
        if (bins <= 0)
            throw new ArgumentOutOfRangeException(nameof(bins), bins, $"Charts.Histogram '{title}': bins must be positive.");
        var all = Named(series, title);
        var (start, size) = SharedBins(all, bins);
        var xbins = new Xbins { start = start, end = start + size * bins, size = size };
        var centers = Enumerable.Range(0, bins).Select(i => start + (i + 0.5) * size).ToArray();
        var traces = all.Select(s => new Histogram
        {
            x = centers, y = Counts(s.Values, start, size, bins), histfunc = "sum", name = s.Name, opacity = OverlayOpacity, autobinx = false, xbins = xbins,
        }).ToArray();
        var layout = NewLayout(title, xTitle, yTitle, showLegend: traces.Length > 1);
        layout.barmode = "overlay";
        return Finish(Chart.Plot(traces, layout));
    }

    /// <summary>One line per named series over a shared x axis, e.g. loss and val_loss per epoch.</summary>
    /// <param name="logY">A logarithmic y axis, for values that span orders of magnitude (pixel histograms).</param>
    public static PlotlyChart Lines(
        IEnumerable<double> x, IEnumerable<(string Name, double[] Values)> series, string title, string xTitle, string yTitle,
        bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var xs = x.ToArray();
        var traces = Named(series, title).Select(s =>
        {
            if (s.Values.Length != xs.Length)
                throw new ArgumentException($"Charts.Lines '{title}': series '{s.Name}' has {s.Values.Length} values but x has {xs.Length}.", nameof(series));
            return new Scatter { x = xs, y = s.Values, name = s.Name, mode = xs.Length <= MaxPointsWithMarkers ? "lines+markers" : "lines" };
        }).ToArray();
        var layout = NewLayout(title, xTitle, yTitle, showLegend: traces.Length > 1);
        if (logY)
            layout.yaxis = new Yaxis { title = yTitle, type = "log" };
        return Finish(Chart.Plot(traces, layout));
    }

    /// <summary>One line per named series, each with its own x values (e.g. quality against minutes for runs of different lengths).</summary>
    public static PlotlyChart Curves(IEnumerable<(string Name, double[] X, double[] Y)> series, string title, string xTitle, string yTitle)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = series.ToArray();
        if (all.Length == 0)
            throw new ArgumentException($"Charts '{title}': no series to plot.", nameof(series));
        var traces = all.Select(s => s.X.Length == s.Y.Length
            ? new Scatter { x = s.X, y = s.Y, name = s.Name, mode = s.X.Length <= MaxPointsWithMarkers ? "lines+markers" : "lines" }
            : throw new ArgumentException($"Charts.Curves '{title}': series '{s.Name}' has {s.X.Length} x values but {s.Y.Length} y values.", nameof(series))).ToArray();
        return Finish(Chart.Plot(traces, NewLayout(title, xTitle, yTitle, showLegend: traces.Length > 1)));
    }

    private static (string Name, double[] Values)[] Named(IEnumerable<(string Name, double[] Values)> series, string title)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = series.ToArray();
        if (all.Length == 0)
            throw new ArgumentException($"Charts '{title}': no series to plot.", nameof(series));
        foreach (var (name, values) in all)
            if (values is null)
                throw new ArgumentException($"Charts '{title}': series '{name}' has no values (null).", nameof(series));
        return all;
    }

    /// <summary>How many finite values fall in each bin [start + i·size, start + (i + 1)·size).</summary>
    private static double[] Counts(double[] values, double start, double size, int bins)
    {
        var counts = new double[bins];
        foreach (var value in values.Where(double.IsFinite))
            counts[Math.Clamp((int)Math.Floor((value - start) / size), 0, bins - 1)]++;
        return counts;
    }

    /// <summary>The first edge and the width of <paramref name="bins"/> equal bins that hold every finite value.</summary>
    private static (double Start, double Size) SharedBins((string Name, double[] Values)[] series, int bins)
    {
        var values = series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var (min, max) = (values.Min(), values.Max());
        // Slightly wider than (max - min) / bins so the largest value falls inside the last bin, not past its edge.
        var size = max > min ? (max - min) / bins * (1 + 1e-9) : 1.0;
        return (min, size);
    }

    private static Layout.Layout NewLayout(string title, string xTitle, string yTitle, bool showLegend) => new()
    {
        title = title,
        width = Width,
        height = Height,
        showlegend = showLegend,
        xaxis = new Xaxis { title = xTitle },
        yaxis = new Yaxis { title = yTitle },
        margin = new Margin { l = 60, r = 20, t = 50, b = 50 },
    };

    private static PlotlyChart Finish(PlotlyChart chart)
    {
        chart.WithSize(Width, Height);
        return chart;
    }
}
