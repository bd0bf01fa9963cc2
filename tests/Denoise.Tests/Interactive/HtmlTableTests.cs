using Denoise.Interactive;

namespace Denoise.Tests.Interactive;

public sealed class HtmlTableTests
{
    [Fact]
    public void Table_escapes_cells_and_right_aligns_numbers_in_invariant_culture()
    {
        var html = HtmlTable.Of(["layer", "parameters"], [["Conv2d<1→32>", 320], ["loss", 0.5]], "Model <summary>");

        Assert.StartsWith("<table", html);
        Assert.Contains("<caption style=\"text-align:left;font-weight:bold\">Model &lt;summary&gt;</caption>", html);
        Assert.Contains("<th style=\"text-align:left;padding:2px 8px\">parameters</th>", html);
        Assert.Contains("<td style=\"text-align:left;padding:2px 8px\">Conv2d&lt;1→32&gt;</td><td style=\"text-align:right;padding:2px 8px\">320</td>", html);
        Assert.Contains("<td style=\"text-align:right;padding:2px 8px\">0.5</td>", html);
        Assert.Equal(2, html.Split("<tr>").Length - 2);  // two body rows after the header row
    }

    [Fact]
    public void Table_rejects_a_row_with_the_wrong_number_of_cells()
    {
        var error = Assert.Throws<ArgumentException>(() => HtmlTable.Of(["a", "b"], [["1", "2"], ["3"]], "History"));

        Assert.Contains("HtmlTable 'History': row 2 has 1 cells but there are 2 headers.", error.Message);
    }
}
