using System.Net;
using XPlot.Plotly;

namespace Denoise.Interactive;

/// <summary>The HTML a notebook shows for a chart: XPlot's div and plotting script, made safe for plotly.js 2 and 3.</summary>
internal static class PlotlyHtml
{
    private const string NewPlot = "Plotly.newPlot(";

    /// <summary>The bundle build.sh inlines into reports (PLOTLY_PACKAGE, PLOTLY_VERSION): the cartesian one, which draws every chart we make.</summary>
    internal const string CdnUrl = "https://cdn.plot.ly/plotly-cartesian-3.4.0.min.js";

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
        return Wrap(chart.Id, chart.Width, chart.Height, $"{plotting[..call]}{UpgradeTitles}\n    {plotting[call..]}");
    }

    /// <summary>A figure given as plotly.js JSON (data traces and layout, e.g. with sliders that XPlot cannot express).</summary>
    public static string Of(string id, int width, int height, string dataJson, string layoutJson) =>
        Wrap(id, width, height, $"var data = {dataJson};\n    var layout = {layoutJson};\n    {NewPlot}'{id}', data, layout);");

    /// <summary>The div and the script that runs <paramref name="plotting"/> once plotly.js is on the page.</summary>
    private static string Wrap(string chartId, int width, int height, string plotting)
    {
        var id = WebUtility.HtmlEncode(chartId);
        // Exported reports inline plotly.js once in <head>. A live notebook (VS Code) has none: the first chart loads it
        // from the CDN and every chart waits for that one load; offline, the div says why it stays blank.
        return $$"""
            <div id="{{id}}" style="width: {{width}}px; height: {{height}}px;"></div>
            <script>
            (function () {
              var draw = function () {
                {{plotting}}
              };
              if (typeof Plotly !== 'undefined') { draw(); return; }
              window.denoisePlotly = window.denoisePlotly || new Promise(function (resolve, reject) {
                var script = document.createElement('script');
                script.src = '{{CdnUrl}}';
                script.onload = resolve;
                script.onerror = reject;
                document.head.appendChild(script);
              });
              window.denoisePlotly.then(draw, function () {
                document.getElementById('{{id}}').textContent = 'Chart not drawn: plotly.js is not on this page and could not be loaded from {{CdnUrl}}.';
              });
            })();
            </script>
            """;
    }
}
