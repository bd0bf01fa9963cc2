using System.Globalization;
using System.Net;
using System.Text;

namespace Denoise.Interactive;

/// <summary>A plain HTML table for formatters of tabular types (layer summaries, per-epoch histories).</summary>
public static class HtmlTable
{
    /// <summary>Cells are HTML-escaped and written with the invariant culture; numbers are right-aligned.</summary>
    public static string Of(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var html = new StringBuilder("<table style=\"border-collapse:collapse;margin:0.5em 0\">");
        if (caption is not null)
            html.Append("<caption style=\"text-align:left;font-weight:bold\">").Append(WebUtility.HtmlEncode(caption)).Append("</caption>");
        html.Append("<thead><tr>");
        foreach (var header in headers)
            html.Append("<th style=\"text-align:left;padding:2px 8px\">").Append(WebUtility.HtmlEncode(header)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        var number = 0;
        foreach (var row in rows)
        {
            number++;
            if (row.Count != headers.Count)
                throw new ArgumentException($"HtmlTable{(caption is null ? "" : $" '{caption}'")}: row {number} has {row.Count} cells but there are {headers.Count} headers.", nameof(rows));
            html.Append("<tr>");
            foreach (var cell in row)
            {
                var align = cell is int or long or float or double or decimal ? "right" : "left";
                // Six significant digits: a loss of 0.1234567891 reads as 0.123457, not as sixteen digits of noise.
                var text = cell switch
                {
                    double d => d.ToString("G6", CultureInfo.InvariantCulture),
                    float f => f.ToString("G6", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? "",
                };
                html.Append($"<td style=\"text-align:{align};padding:2px 8px\">").Append(WebUtility.HtmlEncode(text)).Append("</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }
}
