using System.Net;
using XPlot.Plotly;

namespace Denoise.Interactive;

/// <summary>The HTML a notebook shows for a chart: XPlot's div and plotting script, made safe for plotly.js 2 and 3.</summary>
internal static class PlotlyHtml
{
    private const string NewPlot = "Plotly.newPlot(";

    // XPlot 4.1 writes titles as strings, which plotly.js 3 ignores; {text: ...} works in plotly.js 2 and 3 alike.
    private const string UpgradeTitles = """
        var upgrade = function (owner) { if (owner && typeof owner.title === 'string') owner.title = { text: owner.title }; };
              upgrade(layout);
              Object.keys(layout).forEach(function (key) { if (/^[xyz]axis[0-9]*$/.test(key)) upgrade(layout[key]); });
        """;

    public static string Of(PlotlyChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var plotting = chart.GetPlottingJS();
        var call = plotting.IndexOf(NewPlot, StringComparison.Ordinal);
        if (call < 0)
            throw new InvalidOperationException($"XPlot's plotting script no longer contains '{NewPlot}'; PlotlyHtml needs updating for this XPlot version.");
        var id = WebUtility.HtmlEncode(chart.Id);
        // Without plotly.js on the page the div says so instead of staying blank; exported reports inline plotly.js.
        return $$"""
            <div id="{{id}}" style="width: {{chart.Width}}px; height: {{chart.Height}}px;"></div>
            <script>
            (function () {
              if (typeof Plotly === 'undefined') {
                document.getElementById('{{id}}').textContent = 'Chart not drawn: plotly.js is not loaded on this page.';
                return;
              }
              {{plotting[..call]}}{{UpgradeTitles}}
              {{plotting[call..]}}
            })();
            </script>
            """;
    }
}
