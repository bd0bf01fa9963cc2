using System.Text.Json;
using Denoise.Data;
using static TorchSharp.torch;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class DigitAugmentationTests
{
    /// <summary>Digits of their own brightness (100 + i of 255): each a 6 × 4 block in the middle of its 28 × 28 frame.</summary>
    private static Tensor Blocks(int count)
    {
        var images = zeros(count, 1, 28, 28);
        for (var i = 0; i < count; i++)
            images[i, 0].narrow(0, 11, 6).narrow(1, 12, 4).fill_((100 + i) / 255f);
        return images;
    }

    [Theory]
    [InlineData("none")]
    [InlineData("shift:6")]
    [InlineData("shift:6,scale:0.8-1.2,composite:0.25,unmoved:0.25")]
    [InlineData("scale:1.5")]
    [InlineData("composite:1")]
    public void The_text_form_reads_back_as_the_same_augmentation(string text)
    {
        var augmentation = DigitAugmentation.Parse(text);

        Assert.Equal(text, augmentation.ToString());
        Assert.Equal(augmentation, DigitAugmentation.Parse(augmentation.ToString()));
        Assert.Equal(augmentation, JsonSerializer.Deserialize<DigitAugmentation>(JsonSerializer.Serialize(augmentation)));
        Assert.Equal($"\"{text}\"", JsonSerializer.Serialize(augmentation));
    }

    [Fact]
    public void Parts_are_read_in_any_order_and_case()
    {
        Assert.Equal(new DigitAugmentation { Shift = 4, MinScale = 0.9, MaxScale = 1.1, Unmoved = 0.5 },
            DigitAugmentation.Parse(" Unmoved:0.5, SCALE:0.9-1.1,shift:4 "));
        Assert.True(DigitAugmentation.Parse("NONE").IsNone);
        Assert.True(DigitAugmentation.Parse("shift:6,unmoved:1").IsNone);
    }

    [Theory]
    [InlineData("shift:20", "shift must be 0 to 14 pixels, got 20")]
    [InlineData("shift:1.5", "shift '1.5' is not a whole number of pixels")]
    [InlineData("scale:1.2-0.8", "scale LOW-HIGH needs LOW at most HIGH, got 1.2-0.8")]
    [InlineData("scale:0.1-1", "scale must lie in [0.5, 2], got 0.1-1")]
    [InlineData("scale:big", "scale 'big' is not a number")]
    [InlineData("composite:0.6,unmoved:0.6", "composite and unmoved shares add up to 1.2, more than 1")]
    [InlineData("unmoved:-0.1", "unmoved must be a share from 0 to 1, got -0.1")]
    [InlineData("rotate:90", "unknown part 'rotate'")]
    [InlineData("shift:2,shift:3", "'shift' is given twice")]
    [InlineData("shift:2,", "an empty part")]
    public void A_form_that_cannot_work_is_refused_saying_why(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => DigitAugmentation.Parse(text));

        Assert.Equal($"augmentation '{text}': {problem}; use {DigitAugmentation.ValidForms}", error.Message);
    }

    [Fact]
    public void An_augmented_batch_has_the_batchs_shape_and_values_in_the_unit_range()
    {
        using var digits = Blocks(32);
        var augmentation = DigitAugmentation.Parse("shift:6,scale:0.8-1.2,composite:0.25,unmoved:0.25");

        using var augmented = augmentation.Apply(digits, seed: 5);

        Assert.Equal(digits.shape, augmented.shape);
        Assert.Equal(ScalarType.Float32, augmented.dtype);
        Assert.InRange(augmented.min().item<float>(), 0, 0);
        Assert.InRange(augmented.max().item<float>(), 100 / 255f, 131 / 255f);
        Assert.False(augmented.eq(digits).all().item<bool>());
    }

    [Fact]
    public void The_same_seed_gives_the_same_images_and_another_seed_others()
    {
        using var digits = Blocks(32);
        var augmentation = DigitAugmentation.Parse("shift:6,scale:0.8-1.2,composite:0.25");

        using var first = augmentation.Apply(digits, seed: 5);
        using var again = augmentation.Apply(digits, seed: 5);
        using var other = augmentation.Apply(digits, seed: 6);

        Assert.True(first.eq(again).all().item<bool>());
        Assert.False(first.eq(other).all().item<bool>());
    }

    [Fact]
    public void An_image_depends_on_its_seed_and_place_in_the_batch_not_on_the_size_of_the_batch_after_it()
    {
        using var digits = Blocks(32);
        var augmentation = DigitAugmentation.Parse("shift:6,scale:0.8-1.2");

        using var whole = augmentation.Apply(digits, seed: 5);
        using var half = augmentation.Apply(digits.narrow(0, 0, 16), seed: 5);

        Assert.True(whole.narrow(0, 0, 16).eq(half).all().item<bool>());
    }

    [Fact]
    public void A_moved_digit_at_the_edge_is_cut_off_with_black_filling_in_not_rolled_around()
    {
        // Ink in the last column only: moved right it leaves the frame, moved left it lands in columns 21 to 27; a
        // roll would bring it in on the left instead.
        var digits = zeros(200, 1, 28, 28);
        digits.narrow(3, 27, 1).fill_(1);

        using var moved = DigitAugmentation.Parse("shift:6").Apply(digits, seed: 3);

        Assert.Equal(0, moved.narrow(3, 0, 21).sum().item<float>());
        var ink = moved.sum([1, 2, 3]).data<float>().ToArray();
        Assert.Contains(ink, v => v == 0);   // some moved out of the frame
        Assert.Contains(ink, v => v == 28);  // some moved up or down not at all, and left
        // A whole-pixel move of a whole column keeps it whole: 28 pixels, less those moved off the top or bottom.
        Assert.All(ink, v => Assert.True(v == 0 || v >= 22, $"{v} pixels of ink"));
    }

    [Fact]
    public void Shifts_cover_the_whole_range_in_whole_pixels()
    {
        // A single bright pixel in the middle: after a whole-pixel move it is still one pixel, anywhere within 6.
        var digits = zeros(400, 1, 28, 28);
        digits.narrow(2, 14, 1).narrow(3, 14, 1).fill_(1);

        using var moved = DigitAugmentation.Parse("shift:6").Apply(digits, seed: 11);

        var places = nonzero(moved.squeeze(1));
        Assert.Equal(400, places.shape[0]);
        var rows = places[.., 1].data<long>().ToArray();
        var columns = places[.., 2].data<long>().ToArray();
        Assert.Equal(Enumerable.Range(8, 13).Select(v => (long)v), rows.Distinct().Order());
        Assert.Equal(Enumerable.Range(8, 13).Select(v => (long)v), columns.Distinct().Order());
    }

    [Fact]
    public void Scaling_grows_and_shrinks_a_digit_about_its_centre()
    {
        using var digits = Blocks(1);

        using var larger = DigitAugmentation.Parse("scale:2").Apply(digits, seed: 1);
        using var smaller = DigitAugmentation.Parse("scale:0.5").Apply(digits, seed: 1);

        // The 6 × 4 block at rows 11-16, columns 12-15 (centre 14, 14): doubled, its full-brightness core spans rows
        // 9-18 and columns 11-16 (interpolation fades one more pixel at each side); halved, it is 3 × 2 around the centre.
        var level = 100 / 255f;
        Assert.Equal(10 * 6, larger.eq(level).sum().item<long>());
        Assert.True(larger[0, 0, 9, 11].item<float>() == level && larger[0, 0, 18, 16].item<float>() == level);
        Assert.Equal(14f, (float)(nonzero(smaller[0, 0]).to_type(ScalarType.Float32).mean(new long[] { 0 })[0].item<float>()), 0.5f);
        Assert.InRange(smaller.gt(0).sum().item<long>(), 6, 20);
        Assert.True(smaller.sum().item<float>() < digits.sum().item<float>() / 2);
    }

    [Fact]
    public void A_share_of_unmoved_images_stays_as_it_was()
    {
        using var digits = Blocks(100);

        using var augmented = DigitAugmentation.Parse("shift:6,unmoved:0.5").Apply(digits, seed: 2);

        var same = Enumerable.Range(0, 100).Count(i => augmented[i].eq(digits[i]).all().item<bool>());
        // Half are drawn to stay; of the others, those moved by (0, 0) (1 in 169) stay too. SplitMix64 draws the same
        // everywhere, so the count is exact; it is checked against the share it should be near.
        Assert.InRange(same, 35, 65);
        Assert.True(DigitAugmentation.None.Apply(digits, 2).eq(digits).all().item<bool>());
    }

    [Fact]
    public void A_composite_is_its_own_digit_between_two_others_of_the_batch()
    {
        using var digits = Blocks(20);

        using var composite = DigitAugmentation.Parse("composite:1").Apply(digits, seed: 4);

        for (var i = 0; i < 20; i++)
        {
            // Its own brightness, centred in the patch (moved by nothing: shift 0), and a neighbour's at a side. A
            // neighbour that overlaps it (gaps go down to -2) may cover part of it: overlaps keep the brighter pixel.
            var image = composite[i, 0];
            var own = nonzero(image.eq((100 + i) / 255f));
            Assert.True(own.shape[0] > 0, $"patch {i} lacks its own digit");
            Assert.All(own[.., 1].data<long>().ToArray(), column => Assert.InRange(column, 12, 15));
            var neighbours = new[] { (i + 1) % 20, (i + 2) % 20 }.Select(j => (100 + j) / 255f);
            Assert.True(neighbours.Any(level => image.eq(level).any().item<bool>()), $"patch {i} shows neither neighbour");
        }
    }

    [Fact]
    public void Images_that_are_not_a_batch_of_one_channel_are_refused()
    {
        using var flat = zeros(4, 784);

        var error = Assert.Throws<ArgumentException>(() => DigitAugmentation.Parse("shift:2").Apply(flat, 1));

        Assert.StartsWith("images to augment must be N x 1 x H x W, got 4 x 784", error.Message);
    }
}
