using Denoise.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class SpaceToDepthConvolutionTests
{
    [Theory]
    [InlineData(1, 16, 28, 28)]
    [InlineData(3, 5, 10, 6)]
    public void It_equals_a_3x3_same_convolution_then_space_to_depth(int inputs, int outputs, int height, int width)
    {
        // float64: the products and sums are the same ones, so what is left is the mathematics.
        using var g = manual_seed(8);
        using var x = randn(2, inputs, height, width, dtype: float64);
        using var w = randn(outputs, inputs, 3, 3, dtype: float64);
        using var b = randn(outputs, dtype: float64);
        using var mixing = SpaceToDepthConvolution.Mixing().to(float64);

        using var expected = F.pixel_unshuffle(F.conv2d(x, w, b, padding: [1, 1]), 2);
        using var actual = SpaceToDepthConvolution.Apply(F.pixel_unshuffle(x, 2),
            SpaceToDepthConvolution.Kernels(w, mixing), SpaceToDepthConvolution.Biases(b));

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(allclose(actual, expected, rtol: 1e-12, atol: 1e-12), $"max difference {(actual - expected).abs().max().item<double>()}");
    }

    [Fact]
    public void Every_kernel_entry_is_one_weight_or_zero_and_each_weight_appears_once_per_phase_pair()
    {
        // A kernel of distinct values: each of the 4 x 4 (output phase, input phase) kernels holds each of the nine
        // taps at most once, and over the four input phases of an output phase all nine taps appear exactly once.
        using var w = arange(1, 10, dtype: float32).reshape(1, 1, 3, 3);
        using var mixing = SpaceToDepthConvolution.Mixing();

        using var kernels = SpaceToDepthConvolution.Kernels(w, mixing);

        Assert.Equal(new long[] { 4, 4, 3, 3 }, kernels.shape);
        for (var phase = 0; phase < 4; phase++)
        {
            var values = kernels[phase].data<float>().ToArray().Where(v => v != 0).Order().ToArray();
            Assert.Equal(Enumerable.Range(1, 9).Select(v => (float)v), values);
        }
    }
}
