using System.Security.Cryptography;
using Denoise.Data;
using static TorchSharp.torch;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class DigitLayoutsTests
{
    /// <summary>Digits of the given brightnesses (of 255): each a 6 × 4 block in the middle of its 28 × 28 frame, labelled 0, 1, 2...</summary>
    private static DigitSet Blocks(params byte[] levels)
    {
        var images = zeros(levels.Length, 1, 28, 28);
        for (var i = 0; i < levels.Length; i++)
            images[i, 0].narrow(0, 11, 6).narrow(1, 12, 4).fill_(levels[i] / 255f);
        return new DigitSet("blocks", images, arange(levels.Length, ScalarType.Int64));
    }

    [Theory]
    [InlineData("centred", DigitLayout.Centred)]
    [InlineData(" Shifted ", DigitLayout.Shifted)]
    [InlineData("STRIPS", DigitLayout.Strips)]
    public void Layouts_are_read_by_name(string text, DigitLayout expected)
    {
        Assert.Equal(expected, DigitLayouts.Parse(text));
        Assert.Equal(text.Trim().ToLowerInvariant(), DigitLayouts.Name(expected));
    }

    [Fact]
    public void An_unknown_layout_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<FormatException>(() => DigitLayouts.Parse("diagonal"));

        Assert.Equal("layout 'diagonal' is not known; use centred, shifted or strips", error.Message);
    }

    [Fact]
    public void Shifted_digits_are_the_same_digits_moved_by_whole_pixels_within_the_limit_with_black_filling_in()
    {
        using var digits = Blocks(Enumerable.Range(0, 40).Select(i => (byte)(100 + i)).ToArray());

        using var shifted = DigitLayouts.Arrange(digits, DigitLayout.Shifted);

        Assert.Equal(digits.Images.shape, shifted.Images.shape);
        Assert.Equal(digits.Labels.data<long>().ToArray(), shifted.Labels.data<long>().ToArray());
        var moves = new HashSet<(int, int)>();
        for (var i = 0; i < 40; i++)
        {
            // The block, whole, with its own brightness, somewhere within the limit of where it was; nothing else.
            var image = shifted.Images[i, 0];
            var ink = nonzero(image);
            Assert.Equal(24, ink.shape[0]);
            Assert.Equal((100 + i) / 255f * 24, image.sum().item<float>(), 3);
            var (top, left) = ((int)ink[0, 0].item<long>(), (int)ink[0, 1].item<long>());
            Assert.InRange(top - 11, -DigitLayouts.MaxShift, DigitLayouts.MaxShift);
            Assert.InRange(left - 12, -DigitLayouts.MaxShift, DigitLayouts.MaxShift);
            moves.Add((top - 11, left - 12));
        }
        Assert.True(moves.Count > 20, $"only {moves.Count} different moves among 40 digits");
    }

    [Fact]
    public void A_shifted_digit_at_the_edge_is_cut_off_not_rolled_around()
    {
        // A digit whose ink fills its last column: moved right it leaves the frame; a roll would bring it in on the left.
        var images = zeros(200, 1, 28, 28);
        images.narrow(3, 27, 1).fill_(1);
        using var digits = new DigitSet("edge", images, zeros(200, ScalarType.Int64));

        using var shifted = DigitLayouts.Arrange(digits, DigitLayout.Shifted);

        Assert.Equal(0, shifted.Images.narrow(3, 0, 21).sum().item<float>());
        var columnsLeft = shifted.Images.sum([1, 2, 3]).data<float>().ToArray();
        Assert.Contains(columnsLeft, c => c == 0);   // some moved right, out of the frame
        Assert.All(columnsLeft, c => Assert.True(c <= 28, $"{c} pixels of ink: a column of 28 at most"));
    }

    [Fact]
    public void Strips_lay_three_to_five_digits_side_by_side_on_a_wider_canvas_labelled_with_the_number_they_show()
    {
        using var digits = Blocks(Enumerable.Range(0, 50).Select(i => (byte)(60 + 4 * i)).ToArray());

        using var strips = DigitLayouts.Arrange(digits, DigitLayout.Strips);

        Assert.Equal(new long[] { 10, 1, DigitLayouts.StripHeight, DigitLayouts.StripWidth }, strips.Images.shape);
        Assert.True(DigitLayouts.StripWidth > 28);
        var numbers = strips.Labels.data<long>().ToArray();
        var shown = new HashSet<int>();
        for (var j = 0; j < 10; j++)
        {
            // Labels 5j, 5j + 1, ... read as one number: how many digits it has says how many the strip shows.
            var labels = Enumerable.Range(5 * j, 5).Select(d => (long)d).ToArray();
            var count = Enumerable.Range(3, 3).Single(k => labels.Take(k).Aggregate(0L, (n, d) => n * 10 + d) == numbers[j]);
            shown.Add(count);
            // Each shown block keeps its own brightness somewhere (the interior of a scaled block is not interpolated
            // with black), and the brightest pixel of the strip is no brighter than its brightest shown digit.
            var image = strips.Images[j, 0];
            for (var d = 0; d < count; d++)
                Assert.True(image.eq((60 + 4 * (5 * j + d)) / 255f).any().item<bool>(), $"strip {j} lacks digit {d}'s brightness");
            Assert.Equal((60 + 4 * (5 * j + count - 1)) / 255f, image.max().item<float>());
        }
        Assert.True(shown.Count >= 2, "strips show varied numbers of digits");
    }

    [Fact]
    public void A_layout_of_fewer_digits_is_the_start_of_the_full_one()
    {
        using var many = Blocks(Enumerable.Range(0, 30).Select(i => (byte)(50 + 5 * i)).ToArray());
        using var few = Blocks(Enumerable.Range(0, 10).Select(i => (byte)(50 + 5 * i)).ToArray());

        foreach (var layout in new[] { DigitLayout.Shifted, DigitLayout.Strips })
        {
            using var whole = DigitLayouts.Arrange(many, layout);
            using var start = DigitLayouts.Arrange(few, layout);
            Assert.True(whole.Images.narrow(0, 0, start.Count).eq(start.Images).all().item<bool>(), $"{layout}");
        }
        Assert.Equal(15, DigitLayouts.DigitsFor(DigitLayout.Strips, 3));
        Assert.Equal(3, DigitLayouts.DigitsFor(DigitLayout.Shifted, 3));
    }

    [Fact]
    public void Too_few_digits_for_one_strip_are_refused()
    {
        using var four = Blocks(1, 2, 3, 4);

        var error = Assert.Throws<ArgumentException>(() => DigitLayouts.Arrange(four, DigitLayout.Strips));

        Assert.StartsWith("strips take 5 digits each, got 4", error.Message);
    }

    [Theory]
    [InlineData(DigitLayout.Centred, "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161")]
    [InlineData(DigitLayout.Shifted, "2d8ff8b94aa81b92f4593a468b2139d51f1c965d085059bcbeb529ccae37ed2c")]
    [InlineData(DigitLayout.Strips, "0fa5eeabc86c23cee9edf55d1eb8634a2d5e6757a4faa878c7e2b77497f8a4ac")]
    public void The_layouts_of_the_MNIST_test_set_are_the_same_images_on_every_run_and_machine(DigitLayout layout, string sha256)
    {
        // Made with integer and double arithmetic only (SplitMix64, bilinear weights, rounding to bytes), so the bytes
        // are the same everywhere; the pin fails if any arithmetic, seed or constant of a layout changes.
        using var test = DataSets.Load(DataSetKind.Mnist, Split.Test);

        using var arranged = DigitLayouts.Arrange(test, layout);

        var bytes = DigitLayouts.ToBytes(arranged.Images);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(layout == DigitLayout.Strips ? 2000 : 10000, arranged.Count);
    }
}
