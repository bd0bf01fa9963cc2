using Denoise.Interactive;

namespace Denoise.Tests.Interactive;

public class ProseTests
{
    [Theory]
    [InlineData(1.234, 2, "+1.23")]
    [InlineData(-0.1, 2, "-0.10")]
    [InlineData(-0.0016, 2, "±0.00")]   // "+0.00;-0.00" would write "-+0.00"
    [InlineData(0.0004, 3, "±0.000")]
    [InlineData(-2.45, 1, "-2.5")]      // halves round away from zero, as people round
    public void A_difference_is_written_with_its_sign_after_rounding(double value, int decimals, string expected) =>
        Assert.Equal(expected, Prose.Signed(value, decimals));

    [Fact]
    public void A_list_is_html_escaped_items()
    {
        var html = Prose.List("a < b", "c").ToHtml();

        Assert.Equal("<div class=\"denoise-prose\"><ul><li>a &lt; b</li><li>c</li></ul></div>", html);
    }
}
