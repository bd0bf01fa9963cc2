using Denoise.Imaging;

namespace Denoise.Tests.Imaging;

public sealed class PixelFontTests
{
    private static string[] Render(string text)
    {
        var width = PixelFont.Measure(text, 1);
        var pixels = new byte[width * PixelFont.GlyphHeight];
        Array.Fill(pixels, (byte)255);
        PixelFont.Draw(pixels, width, text, 0, 0, 1, 0, 0, 0, width, PixelFont.GlyphHeight);
        return Enumerable.Range(0, PixelFont.GlyphHeight)
            .Select(y => new string(pixels.AsSpan(y * width, width).ToArray().Select(p => p == 0 ? '#' : '.').ToArray()))
            .ToArray();
    }

    [Fact]
    public void Glyphs_match_the_misc_fixed_5x7_bitmaps()
    {
        // From 5x7.bdf (X11 misc-fixed): H = 90 90 F0 90 90 90 00, 7 = F0 10 20 20 40 40 00.
        Assert.Equal(
            [
                "#..#.####.",
                "#..#....#.",
                "####...#..",
                "#..#...#..",
                "#..#..#...",
                "#..#..#...",
                "..........",
            ],
            Render("H7"));
    }

    [Fact]
    public void Characters_outside_ascii_draw_as_a_question_mark()
    {
        Assert.Equal(Render("?"), Render("é"));
    }

    [Fact]
    public void Each_character_advances_five_pixels_per_text_scale()
    {
        Assert.Equal(30, PixelFont.Measure("abc", 2));
    }
}
