using static TorchSharp.torch;

namespace Denoise.Performance;

/// <summary>Phase kernels (4, 32, 2, 2) and biases of the output stage (upsample + 3×3 conv to one channel).</summary>
internal sealed record DecoderKernels(Tensor Output, Tensor OutputBias)
{
    public IEnumerable<Tensor> All => [Output, OutputBias];
}
