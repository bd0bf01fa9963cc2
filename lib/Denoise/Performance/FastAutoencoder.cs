using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Performance;

/// <summary>
/// The forward pass of a <see cref="ConvAutoencoder"/> rewritten for speed with the same mathematics:
/// ReLU after max-pool (they commute; a quarter of the work), in-place ReLU, channels-last
/// max-pooling, and the last upsample+conv stage as a phase convolution. Works on the model's own parameters, so gradients
/// land in the model and the optimizer sees the plain 3×3 weights.
/// </summary>
internal sealed class FastAutoencoder : IDisposable
{
    private readonly Tensor encode1Weight, encode1Bias, encode2Weight, encode2Bias, decode1Weight, decode1Bias;
    private readonly Tensor decode2Weight, decode2Bias, outputWeight, outputBias;
    private readonly Tensor mixing;

    public FastAutoencoder(ConvAutoencoder model)
    {
        var p = model.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        Tensor Get(string name) => p.TryGetValue(name, out var t)
            ? t
            : throw new ArgumentException($"model has no parameter '{name}' - is it a ConvAutoencoder?", nameof(model));
        (encode1Weight, encode1Bias) = (Get("encode1.weight"), Get("encode1.bias"));
        (encode2Weight, encode2Bias) = (Get("encode2.weight"), Get("encode2.bias"));
        (decode1Weight, decode1Bias) = (Get("decode1.weight"), Get("decode1.bias"));
        (decode2Weight, decode2Bias) = (Get("decode2.weight"), Get("decode2.bias"));
        (outputWeight, outputBias) = (Get("output.weight"), Get("output.bias"));
        mixing = PhaseConvolution.Mixing().to_type(outputWeight.dtype);
        TrunkParameters = [encode1Weight, encode1Bias, encode2Weight, encode2Bias, decode1Weight, decode1Bias, decode2Weight, decode2Bias];
    }

    /// <summary>Every parameter but the output stage's, which the phase kernels stand for in <see cref="PhasedLogits"/>.</summary>
    public IReadOnlyList<Tensor> TrunkParameters { get; }

    /// <summary>The output stage's phase kernels and biases, differentiable w.r.t. its 3×3 weights.</summary>
    public DecoderKernels Kernels() => new(PhaseConvolution.Kernels(outputWeight, mixing), PhaseConvolution.Biases(outputBias));

    /// <summary>
    /// Logits for (N, 1, 28, 28) images in pixel_unshuffle layout (N, 4, 14, 14): the loss is a mean over
    /// pixels, so training compares them with the unshuffled target and never interleaves the output.
    /// </summary>
    public Tensor PhasedLogits(Tensor images, DecoderKernels k)
    {
        long[] same = [1, 1];
        long[] two = [2, 2];
        // libtorch's NCHW max-pool is ~15× slower than its channels-last one here; the first conv is fastest in
        // NCHW (one input channel), so the layout switches between them and later layers inherit channels-last.
        var x = F.conv2d(images, encode1Weight, encode1Bias, padding: same);
        x = F.max_pool2d(ChannelsLast(x), two).relu_();
        x = F.max_pool2d(F.conv2d(x, encode2Weight, encode2Bias, padding: same), two).relu_();
        x = F.conv2d(x, decode1Weight, decode1Bias, padding: same).relu_();
        // The first upsample+conv stays plain: as phases its interleaving copies cost more than the saved work.
        x = F.conv2d(F.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest), decode2Weight, decode2Bias, padding: same).relu_();
        var z = PhaseConvolution.Apply(x, k.Output, k.OutputBias);
        return z.reshape(z.shape[0], 4, z.shape[4], z.shape[5]);
    }

    /// <summary>The same values with channels-last strides (TorchSharp has no memory_format argument).</summary>
    private static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    public void Dispose() => mixing.Dispose();
}
