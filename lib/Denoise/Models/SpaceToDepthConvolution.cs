using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Models;

/// <summary>
/// A 3×3 "same" convolution followed by space-to-depth (pixel_unshuffle by 2), computed as one 3×3 "same" convolution of
/// the space-to-depth input: output phase (a, b) of pixel (i, j) is the full-resolution output at (2i + a, 2j + b), whose
/// 3×3 taps fall on input phases (p, q) of the half-resolution pixels i - 1 .. i + 1, so the 3×3 kernel spreads, tap by
/// tap, over a 3×3 kernel between phases (most of whose entries are zero). The arithmetic is the same products and sums;
/// the win is the layout: four times the channels at a quarter of the pixels, which libtorch's convolution, its backward
/// and the following layers run far faster than a one-channel convolution at full resolution (docs/performance.md).
/// </summary>
internal static class SpaceToDepthConvolution
{
    /// <summary>
    /// Which full-resolution tap feeds which phase kernel tap: (a, k, p, d) is 1 where output phase a, half-resolution
    /// offset k - 1 and input phase p meet full-resolution tap d - 1, i.e. a + d - 1 = 2(k - 1) + p. Shape (2, 3, 2, 3).
    /// </summary>
    public static Tensor Mixing()
    {
        var mixing = new float[2 * 3 * 2 * 3];
        for (var a = 0; a < 2; a++)
            for (var k = 0; k < 3; k++)
                for (var p = 0; p < 2; p++)
                {
                    var d = 2 * k + p - a - 1;
                    if (d is >= 0 and < 3)
                        mixing[((a * 3 + k) * 2 + p) * 3 + d] = 1;
                }
        return tensor(mixing).reshape(2, 3, 2, 3);
    }

    /// <summary>(O, I, 3, 3) → (O·4, I·4, 3, 3), channels ordered (o, a, b) and (i, p, q) as pixel_unshuffle orders them. Every entry is one weight or zero.</summary>
    public static Tensor Kernels(Tensor weight, Tensor mixing)
    {
        var (o, i) = (weight.shape[0], weight.shape[1]);
        return einsum("akpd,blqe,cide->cabipqkl", mixing, mixing, weight).reshape(o * 4, i * 4, 3, 3);
    }

    /// <summary>Each output channel's bias repeated for its four phases.</summary>
    public static Tensor Biases(Tensor bias) => bias.repeat_interleave(4L);

    /// <summary>pixel_unshuffle(conv3x3(x), 2) for x already in space-to-depth form (N, I·4, H/2, W/2).</summary>
    public static Tensor Apply(Tensor spaceToDepth, Tensor kernels, Tensor biases) =>
        F.conv2d(spaceToDepth, kernels, biases, padding: [1, 1]);
}
