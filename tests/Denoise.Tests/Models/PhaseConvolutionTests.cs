using Denoise.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class PhaseConvolutionTests
{
    [Fact]
    public void A_single_pixel_under_an_all_ones_kernel_gives_four_everywhere()
    {
        // Upsampling one pixel of value 1 gives a 2×2 block of ones; every 3×3 window centred on that block
        // covers all four ones (and zero padding elsewhere), so each output is 4 + bias.
        using var x = ones(1, 1, 1, 1);
        using var w = ones(1, 1, 3, 3);
        using var b = tensor(new[] { 0.5f });
        using var mixing = PhaseConvolution.Mixing();

        using var y = PhaseConvolution.Interleave(PhaseConvolution.Apply(x, PhaseConvolution.Kernels(w, mixing), PhaseConvolution.Biases(b)));

        Assert.Equal(new long[] { 1, 1, 2, 2 }, y.shape);
        Assert.All(y.data<float>().ToArray(), v => Assert.Equal(4.5f, v, 5));
    }

    [Fact]
    public void Phase_convolution_equals_nearest_upsample_then_3x3_same_convolution()
    {
        using var g = manual_seed(7);
        using var x = randn(3, 5, 7, 6);
        using var w = randn(4, 5, 3, 3);
        using var b = randn(4);
        using var mixing = PhaseConvolution.Mixing();

        using var expected = F.conv2d(F.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest), w, b, padding: [1, 1]);
        using var actual = PhaseConvolution.Interleave(PhaseConvolution.Apply(x, PhaseConvolution.Kernels(w, mixing), PhaseConvolution.Biases(b)));

        Assert.Equal(expected.shape, actual.shape);
        // float32 sums of 45 products of N(0, 1) values (outputs of about 7) in other orders differ by about 1e-6; a wrong
        // tap or phase is off by about 1.
        Assert.True(allclose(actual, expected, rtol: 1e-5, atol: 1e-5), $"max difference {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Phase_kernels_of_phase_zero_sum_the_lower_two_rows_and_columns()
    {
        // Phase (0,0) reads low-res rows (i-1, i): tap 0 is row 0 of the 3×3 kernel, tap 1 is rows 1+2.
        using var w = arange(9, dtype: float32).reshape(1, 1, 3, 3);   // [[0,1,2],[3,4,5],[6,7,8]]
        using var mixing = PhaseConvolution.Mixing();

        using var k = PhaseConvolution.Kernels(w, mixing);

        Assert.Equal(new float[] { 0, 1 + 2, 3 + 6, 4 + 5 + 7 + 8 }, k[0].flatten().data<float>().ToArray());
        Assert.Equal(new float[] { 0 + 3 + 1 + 4, 2 + 5, 6 + 7, 8 }, k[3].flatten().data<float>().ToArray());
    }
}
