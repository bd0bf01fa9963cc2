using Denoise.Interactive;

namespace Denoise.Tests.Interactive;

public sealed class TableTests
{
    private sealed record Score(string Noise, double Psnr);

    [Fact]
    public void Table_of_records_has_a_column_per_property_and_a_row_per_item()
    {
        var table = Table.Of([new Score("gaussian:0.5", 9.4), new Score("speckle:0.3", 17.1)], "damage");

        Assert.Equal(["Noise", "Psnr"], table.Headers);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["speckle:0.3", 17.1], table.Rows[1]);
        Assert.Contains("<td style=\"text-align:right;padding:2px 8px\">9.4</td>", table.ToHtml());
    }

    [Fact]
    public void Table_cells_show_six_significant_digits_of_a_double()
    {
        var table = Table.Of([new Score("gaussian:0.5", 0.12345678901)]);

        Assert.Contains(">0.123457</td>", table.ToHtml());
    }
}
