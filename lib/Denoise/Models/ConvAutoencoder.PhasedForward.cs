using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Models;

public sealed partial class ConvAutoencoder
{
    /// <summary>
    /// The seed model's forward pass rewritten for speed with the same mathematics (docs/performance.md says why each
    /// step is exact): ReLU after max-pool (they commute; a quarter of the work), in-place ReLU, channels-last max-pool
    /// (libtorch's NCHW max-pool is ~15× slower here), and the last upsample + 3×3 conv as four 2×2 phase kernels
    /// (<see cref="PhaseConvolution"/>). It reads the model's own layers, so gradients land in the model and the
    /// optimiser keeps seeing the plain 3×3 weights. Outputs come in the pixel_unshuffle layout (N, 4, H/2, W/2):
    /// every loss here is a mean over pixels, so training compares them with the unshuffled target and never
    /// interleaves them.
    /// </summary>
    private sealed class PhasedForward(ConvAutoencoder model) : FastForward
    {
        private readonly Tensor mixing = PhaseConvolution.Mixing().to_type(model.output.weight!.dtype);

        /// <summary>Every parameter but the output stage's, which the phase kernels of <see cref="Prepare"/> stand for.</summary>
        public override IReadOnlyList<Tensor> DirectParameters { get; } =
        [
            model.encode1.weight!, model.encode1.bias!, model.encode2.weight!, model.encode2.bias!,
            model.decode1.weight!, model.decode1.bias!, model.decode2.weight!, model.decode2.bias!,
        ];

        /// <summary>The output stage's phase kernels (4, 32, 2, 2) and biases (4), differentiable w.r.t. its 3×3 weights.</summary>
        public override IReadOnlyList<Tensor> Prepare() =>
            [PhaseConvolution.Kernels(model.output.weight!, mixing), PhaseConvolution.Biases(model.output.bias!)];

        /// <summary>Pixel-wise losses only: the phase layout orders the pixels differently.</summary>
        public override bool Supports(DenoisingLoss loss) => loss.IsPixelwise;

        public override Tensor Loss(Tensor noisy, Tensor clean, IReadOnlyList<Tensor> prepared, DenoisingLoss loss) =>
            loss.OfLogits(PhasedLogits(noisy, prepared), F.pixel_unshuffle(clean, 2));

        public override Tensor Predict(Tensor noisy, IReadOnlyList<Tensor> prepared) =>
            F.pixel_shuffle(PhasedLogits(noisy, prepared).sigmoid_(), 2);

        private Tensor PhasedLogits(Tensor images, IReadOnlyList<Tensor> prepared)
        {
            long[] same = [1, 1];
            long[] two = [2, 2];
            // The first conv is fastest in NCHW (one input channel); its output switches to channels-last for the
            // pool, and the later convs inherit that layout.
            var x = F.conv2d(images, model.encode1.weight!, model.encode1.bias, padding: same);
            x = F.max_pool2d(TensorLayout.ChannelsLast(x), two).relu_();
            x = F.max_pool2d(F.conv2d(x, model.encode2.weight!, model.encode2.bias, padding: same), two).relu_();
            x = F.conv2d(x, model.decode1.weight!, model.decode1.bias, padding: same).relu_();
            // The first upsample + conv stays plain: as phases its interleaving copies cost more than the saved work.
            x = F.conv2d(F.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest),
                model.decode2.weight!, model.decode2.bias, padding: same).relu_();
            var z = PhaseConvolution.Apply(x, prepared[0], prepared[1]);
            return z.reshape(z.shape[0], 4, z.shape[4], z.shape[5]);
        }

        public override void Dispose()
        {
            mixing.Dispose();
            base.Dispose();
        }
    }
}
