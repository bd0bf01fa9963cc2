using Denoise.Data;

namespace Denoise.Tests.Data;

public sealed class DigitCanvasTests
{
    /// <summary>A 4 × 4 digit: a bright 2 × 2 block in rows 1-2, columns 1-2 (values 10, 20, 30, 40 row by row).</summary>
    private static readonly byte[] Block =
    [
        0, 0, 0, 0,
        0, 10, 20, 0,
        0, 30, 40, 0,
        0, 0, 0, 0,
    ];

    [Fact]
    public void At_scale_1_on_whole_pixels_a_stamp_is_an_exact_copy_moved_with_black_filling_in()
    {
        var canvas = new DigitCanvas(4, 4);

        canvas.Stamp(Block, 4, 4, scale: 1, top: 1, left: -1);

        // Moved one down and one left: the block's left column now sits in column 0; the row that left the bottom is gone.
        Assert.Equal(new byte[]
        {
            0, 0, 0, 0,
            0, 0, 0, 0,
            10, 20, 0, 0,
            30, 40, 0, 0,
        }, canvas.Pixels);
    }

    [Fact]
    public void A_digit_moved_out_of_the_canvas_leaves_it_black_and_does_not_wrap_around()
    {
        var canvas = new DigitCanvas(4, 4);

        canvas.Stamp(Block, 4, 4, scale: 1, top: 0, left: 3);   // the block's columns 1-2 land in columns 4-5, outside

        Assert.All(canvas.Pixels, p => Assert.Equal(0, p));
    }

    [Fact]
    public void Overlapping_stamps_keep_the_brighter_pixel()
    {
        var canvas = new DigitCanvas(4, 4);

        canvas.Stamp(Block, 4, 4, scale: 1, top: 0, left: 0);
        canvas.Stamp(Block, 4, 4, scale: 1, top: 0, left: 1);

        Assert.Equal(new byte[] { 0, 10, 20, 20 }, canvas.Pixels[4..8]);
        Assert.Equal(new byte[] { 0, 30, 40, 40 }, canvas.Pixels[8..12]);
    }

    [Fact]
    public void Scaling_interpolates_bilinearly_between_pixel_centres_and_rounds_to_bytes()
    {
        byte[] pixel = [0, 0, 0, 0, 200, 0, 0, 0, 0];   // one bright pixel in the middle of a 3 × 3 digit
        var canvas = new DigitCanvas(6, 6);

        canvas.Stamp(pixel, 3, 3, scale: 2, top: 0, left: 0);

        // Canvas pixel x maps to digit coordinate (x + 0.5) / 2 - 0.5: 0.75, 1.25 for x = 2, 3 (the bright pixel is at 1),
        // so rows and columns 2 and 3 take weight 0.75 each way: 200 x 0.75 x 0.75 = 112.5, rounded to even: 112.
        // Columns 1 and 4 map to 0.25 and 1.75: weight 0.25, so 200 x 0.25 x 0.75 = 37.5 -> 38, and 200 x 0.25 x 0.25 = 12.5 -> 12.
        Assert.Equal(new byte[] { 0, 12, 38, 38, 12, 0 }, canvas.Pixels[6..12]);
        Assert.Equal(new byte[] { 0, 38, 112, 112, 38, 0 }, canvas.Pixels[12..18]);
        Assert.Equal(0, canvas.Pixels[0]);
    }

    [Fact]
    public void Ink_columns_are_the_first_and_last_with_any_ink_or_the_whole_width_for_an_empty_digit()
    {
        Assert.Equal((1, 2), DigitCanvas.InkColumns(Block, 4, 4));
        Assert.Equal((0, 3), DigitCanvas.InkColumns(new byte[16], 4, 4));
    }

    [Fact]
    public void A_digit_of_the_wrong_size_or_a_bad_scale_is_refused()
    {
        var canvas = new DigitCanvas(4, 4);

        Assert.Throws<ArgumentException>(() => canvas.Stamp(Block, 3, 4, 1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => canvas.Stamp(Block, 4, 4, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => canvas.Stamp(Block, 4, 4, double.NaN, 0, 0));
    }
}
