using static TorchSharp.torch;

namespace Denoise.Tensors;

/// <summary>Memory layouts of N×C×H×W image tensors, for the fast paths that choose one.</summary>
public static class TensorLayout
{
    /// <summary>
    /// The same values, shape and dimension order with channels-last strides (N, H, W, C in memory), which libtorch's
    /// CPU max-pool and convolutions run faster on here (docs/performance.md). TorchSharp has no memory_format argument,
    /// so the layout is made by a contiguous copy of the permuted tensor, permuted back.
    /// </summary>
    public static Tensor ChannelsLast(Tensor images) => images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
