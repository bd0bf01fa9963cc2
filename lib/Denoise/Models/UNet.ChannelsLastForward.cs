using static TorchSharp.torch;

namespace Denoise.Models;

public sealed partial class UNet
{
    public override FastForward CreateFastForward() => new ChannelsLastForward(this);

    /// <summary>
    /// The U-Net's fast path is its own <c>forward</c> with the first stage rewritten: the stem and space-to-depth run
    /// as one convolution of the space-to-depth input at half resolution, channels-last (<see cref="SpaceToDepthConvolution"/>),
    /// whose kernels <see cref="Prepare"/> spreads from the stem's weights once per batch; every later layer inherits
    /// the layout, which libtorch's max-pool and convolutions here run faster on (docs/performance.md). The values are
    /// the same; the rest of the speed comes from the chunked, data-parallel step that runs it.
    /// </summary>
    private sealed class ChannelsLastForward(UNet model) : FastForward
    {
        private readonly Tensor mixing = SpaceToDepthConvolution.Mixing().to_type(model.stem.weight!.dtype);

        /// <summary>Every parameter but the stem's, which the kernels of <see cref="Prepare"/> stand for.</summary>
        public override IReadOnlyList<Tensor> DirectParameters { get; } =
            [.. model.named_parameters().Where(p => !p.name.StartsWith(nameof(stem) + ".", StringComparison.Ordinal)).Select(p => (Tensor)p.parameter)];

        /// <summary>The stem's kernels (64, 4, 3, 3) and biases (64) over space-to-depth phases, differentiable w.r.t. its weights.</summary>
        public override IReadOnlyList<Tensor> Prepare() =>
            [SpaceToDepthConvolution.Kernels(model.stem.weight!, mixing), SpaceToDepthConvolution.Biases(model.stem.bias!)];

        /// <summary>64 images a chunk: about 6 % faster than 32 on two cores, and no slower than 128 (`denoise bench --arch unet --chunk`).</summary>
        public override int ChunkSize => 64;

        public override Tensor Loss(Tensor noisy, Tensor clean, IReadOnlyList<Tensor> prepared, DenoisingLoss loss) =>
            loss.Of(model.Forward(noisy, prepared), clean);

        public override Tensor Predict(Tensor noisy, IReadOnlyList<Tensor> prepared) => model.Forward(noisy, prepared);

        public override void Dispose()
        {
            mixing.Dispose();
            base.Dispose();
        }
    }
}
