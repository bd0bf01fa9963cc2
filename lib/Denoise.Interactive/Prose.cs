using System.Net;
using System.Text;

namespace Denoise.Interactive;

/// <summary>
/// Sentences a notebook cell computes, shown like the markdown around them: a notebook states a number of its run in
/// prose only through one of these, so the text always says what this run computed. Paragraphs are separated by a
/// blank line; lines that start with "- " are the items of a list.
/// </summary>
public sealed record Prose(string Text)
{
    public static Prose Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Prose(text);
    }

    /// <summary>A list with one item per line.</summary>
    public static Prose List(params IEnumerable<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new Prose(string.Join("\n", items.Select(i => "- " + i)));
    }

    /// <summary>
    /// A difference with its sign, rounded to <paramref name="decimals"/> places: "+1.34", "-0.10", and "±0.00" for one
    /// that rounds to zero (a format string such as "+0.00;-0.00" writes "-+0.00" for -0.001).
    /// </summary>
    public static string Signed(double value, int decimals = 2)
    {
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        var sign = rounded > 0 ? "+" : rounded < 0 ? "-" : "±";
        return sign + Math.Abs(rounded).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Paragraphs as &lt;p&gt;, runs of "- " lines as &lt;ul&gt;; the text is HTML-escaped.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<div class=\"denoise-prose\">");
        foreach (var block in Text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var lines = block.Split('\n', StringSplitOptions.TrimEntries);
            if (lines.All(l => l.StartsWith("- ", StringComparison.Ordinal)))
                html.Append("<ul>").AppendJoin("", lines.Select(l => $"<li>{WebUtility.HtmlEncode(l[2..])}</li>")).Append("</ul>");
            else
                html.Append("<p>").Append(WebUtility.HtmlEncode(string.Join(" ", lines))).Append("</p>");
        }
        return html.Append("</div>").ToString();
    }

    public override string ToString() => Text;
}
