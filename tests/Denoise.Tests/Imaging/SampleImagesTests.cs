using Denoise.Imaging;
using Denoise.Noise;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Imaging;

[Collection("torch")]
public sealed class SampleImagesTests
{
    private static Tensor Digits(int count)
    {
        // Each digit a bright 8×8 block of its own brightness in the middle of a dark 28×28 square.
        var digits = zeros(count, 1, 28, 28);
        for (var i = 0; i < count; i++)
            digits[i, 0].narrow(0, 10, 8).narrow(1, 10, 8).fill_(0.5f + 0.1f * i);
        return digits;
    }

    [Fact]
    public void A_house_number_holds_every_digit_once_on_a_taller_wider_dark_canvas()
    {
        using var digits = Digits(4);

        using var strip = SampleImages.HouseNumber(digits, seed: 7);

        Assert.Equal(3, strip.dim());
        Assert.Equal(28 + 2 * SampleImages.Margin, strip.shape[1]);
        Assert.InRange(strip.shape[2], 4 * 22 + 2 * SampleImages.Margin, 4 * 31 + 2 * SampleImages.Margin);
        // Every digit's brightness is there, on 64 pixels each (the blocks never overlap: they sit mid-digit).
        for (var i = 0; i < 4; i++)
            Assert.Equal(64, strip.eq(0.5f + 0.1f * i).sum().item<long>());
        Assert.Equal(strip.numel() - 4 * 64, strip.eq(0).sum().item<long>());
    }

    [Fact]
    public void The_same_seed_lays_the_digits_out_the_same_way_and_another_seed_differently()
    {
        using var digits = Digits(5);

        using var first = SampleImages.HouseNumber(digits, seed: 1);
        using var again = SampleImages.HouseNumber(digits, seed: 1);
        using var other = SampleImages.HouseNumber(digits, seed: 2);

        Assert.True(first.allclose(again, rtol: 0, atol: 0));
        Assert.False(first.shape.SequenceEqual(other.shape) && first.allclose(other, rtol: 0, atol: 0));
    }

    [Fact]
    public void The_sample_files_are_the_clean_strip_and_its_noisy_copy()
    {
        using var folder = new TempFolder();
        using var digits = Digits(3);
        var noise = new GaussianNoise(0.5);

        SampleImages.WriteHouseNumber(folder.File("noisy.png"), folder.File("clean.png"), digits, noise, seed: 4);

        using var clean = GrayImage.Load(folder.File("clean.png"));
        using var noisy = GrayImage.Load(folder.File("noisy.png"));
        using var expected = SampleImages.HouseNumber(digits, seed: 4);
        using var expectedNoisy = noise.Apply(expected, 4);
        // PNG keeps 256 levels: half a level of rounding, and 1e-6 for float32's own.
        Assert.InRange((clean - expected).abs().max().item<float>(), 0, 0.5f / 255 + 1e-6f);
        Assert.InRange((noisy - expectedNoisy).abs().max().item<float>(), 0, 0.5f / 255 + 1e-6f);
    }
}
