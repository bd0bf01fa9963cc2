using static TorchSharp.torch;

namespace Denoise.Performance;

/// <summary>Phase kernels (O·4, C, 2, 2) and biases of the two upsample+conv stages.</summary>
internal sealed record DecoderKernels(Tensor Decode2, Tensor Decode2Bias, Tensor Output, Tensor OutputBias)
{
    public IEnumerable<Tensor> All => [Decode2, Decode2Bias, Output, OutputBias];
}
