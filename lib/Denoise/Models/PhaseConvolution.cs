using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Models;

/// <summary>
/// Nearest-upsample ×2 followed by a 3×3 "same" convolution, computed exactly at the low resolution:
/// each output phase (a, b) of the upsampled image only sees a 2×2 neighbourhood of the input, so the
/// 3×3 kernel collapses onto four 2×2 kernels (2.25× fewer multiply-adds, no upsampled tensor).
/// </summary>
internal static class PhaseConvolution
{
    /// <summary>
    /// The row (and column) mixing per phase: phase 0 reads low-res rows (i-1, i) with taps (w0, w1+w2),
    /// phase 1 reads rows (i, i+1) with taps (w0+w1, w2). Shape (phase, tap, 3).
    /// </summary>
    public static Tensor Mixing() =>
        tensor(new float[] { 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1 }).reshape(2, 2, 3);

    /// <summary>(O, C, 3, 3) → (O·4, C, 2, 2), channel order (o, a, b) as pixel_shuffle expects.</summary>
    public static Tensor Kernels(Tensor weight, Tensor mixing)
    {
        var (o, c) = (weight.shape[0], weight.shape[1]);
        return einsum("apk,ockl,bql->oabcpq", mixing, weight, mixing).reshape(o * 4, c, 2, 2);
    }

    /// <summary>Each output channel's bias repeated for its four phases.</summary>
    public static Tensor Biases(Tensor bias) => bias.repeat_interleave(4L);

    /// <summary>conv3x3(upsample×2(x)) as phases: (N, C, H, W) → (N, O, 2, 2, H, W).</summary>
    public static Tensor Apply(Tensor x, Tensor kernels, Tensor biases)
    {
        var (n, h, w) = (x.shape[0], x.shape[2], x.shape[3]);
        var o = kernels.shape[0] / 4;
        // One 2×2 conv over the zero-padded input gives every phase on an (H+1)×(W+1) grid;
        // phase (a, b) is the H×W window starting at (a, b).
        var full = F.conv2d(F.pad(x, [1, 1, 1, 1]), kernels, biases).view(n, o, 2, 2, h + 1, w + 1);
        Tensor Phase(int a, int b) => full.select(2, a).select(2, b).narrow(2, a, h).narrow(3, b, w);
        return stack([stack([Phase(0, 0), Phase(0, 1)], 2), stack([Phase(1, 0), Phase(1, 1)], 2)], 2);
    }

    /// <summary>Phases (N, O, 2, 2, H, W) → the upsampled-resolution image (N, O, 2H, 2W).</summary>
    public static Tensor Interleave(Tensor phases)
    {
        var (n, o, h, w) = (phases.shape[0], phases.shape[1], phases.shape[4], phases.shape[5]);
        return phases.permute(0, 1, 4, 2, 5, 3).reshape(n, o, 2 * h, 2 * w);
    }
}
