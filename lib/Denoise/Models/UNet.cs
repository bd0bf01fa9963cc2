using Denoise.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// The stronger member of the family: a small U-Net that works at half resolution. A 3×3 stem at full resolution
/// feeds a space-to-depth step (each 2×2 block of pixels becomes 4 channels), so the encoder, the bottleneck and the
/// decoder with its skip connections run on 14×14, 7×7 and 4×4 grids for a 28×28 digit; the last convolution makes
/// four channels that depth-to-space turns back into one full-resolution image. Upsampling is a 1×1 convolution to four
/// times the channels and depth-to-space (a 2×2 transposed convolution of stride 2, with a bias per output pixel
/// position; libtorch and PyTorch run it far faster than their transposed convolution). It predicts the clean image
/// directly and trains with MSE plus a tenth of (1 - SSIM) (its recipe is registered with it in <c>Training.Architectures</c>). Sides must be multiples of 4.
/// </summary>
public sealed partial class UNet : Denoiser
{
    public const string ArchitectureName = "unet";

    private readonly Conv2d stem = Conv2d(1, 16, 3, padding: 1);
    private readonly PixelUnshuffle toHalf = PixelUnshuffle(2);
    private readonly Conv2d encode1 = Conv2d(64, 32, 3, padding: 1);
    private readonly MaxPool2d pool1 = MaxPool2d(2);
    private readonly Conv2d encode2 = Conv2d(32, 64, 3, padding: 1);
    private readonly MaxPool2d pool2 = MaxPool2d(2, ceil_mode: true);
    private readonly Conv2d middle = Conv2d(64, 96, 3, padding: 1);
    private readonly Conv2d up2 = Conv2d(96, 4 * 64, 1);
    private readonly PixelShuffle grow2 = PixelShuffle(2);
    private readonly Conv2d decode2 = Conv2d(128, 64, 3, padding: 1);
    private readonly Conv2d up1 = Conv2d(64, 4 * 32, 1);
    private readonly PixelShuffle grow1 = PixelShuffle(2);
    private readonly Conv2d decode1 = Conv2d(64, 32, 3, padding: 1);
    private readonly Conv2d output = Conv2d(32, 4, 3, padding: 1);
    private readonly PixelShuffle toFull = PixelShuffle(2);

    /// <summary>Creates the network with PyTorch's default initialisation drawn from <paramref name="seed"/>.</summary>
    public UNet(long seed) : base(nameof(UNet))
    {
        RegisterComponents();
        InitializeFrom(seed);
    }

    public override string Architecture => ArchitectureName;

    /// <summary>Space-to-depth halves the sides and the first pooling halves them again.</summary>
    public override int SizeMultiple => 4;

    /// <summary>The second pooling works on a grid of 8 input pixels; tiles start on it.</summary>
    public override int TileGrid => 8;

    /// <summary>
    /// The 3×3 convolutions reach 1 (stem), 2, 4, 8 (bottleneck), 4, 2 and 2 pixels at their scales, and where a pixel
    /// falls in the space-to-depth block and the two pools adds up to 1 + 2 + 4 (upsampling adds nothing: each output
    /// reads one input pixel): 30 (the tests measure it from gradients).
    /// </summary>
    public override int ReceptiveRadius => 30;

    public override Tensor forward(Tensor input) => Forward(input, stemAtHalf: null);

    /// <summary>
    /// The network, top to bottom. The fast path passes <paramref name="stemAtHalf"/>, the stem's kernels and biases
    /// spread over space-to-depth phases (<see cref="SpaceToDepthConvolution"/>): the stem and the space-to-depth step
    /// then run as one convolution at half resolution, channels-last (libtorch's channels-last max-pool and
    /// convolutions are faster here, and the layout carries through every later layer); the values are the same.
    /// In eval mode the output is clamped to [0, 1], the range of every image. Training sees it through a leaky ReLU
    /// instead: a dark background then costs nothing for undershooting zero, which eval clips anyway, while the small
    /// slope below zero keeps every output pixel's gradient alive (a plain ReLU can switch an output off for good).
    /// </summary>
    private Tensor Forward(Tensor input, IReadOnlyList<Tensor>? stemAtHalf)
    {
        using var scope = NewDisposeScope();
        // In-place ReLUs: every one acts on a fresh convolution output, which no backward needs (ReLU and space-to-depth commute).
        var half = stemAtHalf is null
            ? toHalf.call(stem.call(input).relu_())
            : SpaceToDepthConvolution.Apply(TensorLayout.ChannelsLast(toHalf.call(input)), stemAtHalf[0], stemAtHalf[1]).relu_();
        var skip1 = encode1.call(half).relu_();
        var skip2 = encode2.call(pool1.call(skip1)).relu_();
        var x = middle.call(pool2.call(skip2)).relu_();
        x = Crop(grow2.call(up2.call(x)), skip2).relu_();
        x = decode2.call(cat([x, skip2], 1)).relu_();
        x = grow1.call(up1.call(x)).relu_();
        x = decode1.call(cat([x, skip1], 1)).relu_();
        var y = toFull.call(output.call(x));
        return (training ? y.leaky_relu(LeakySlope) : y.clamp(Scalars.Zero, Scalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>The leaky ReLU's slope below zero in training, held for the process (<see cref="Scalars"/>).</summary>
    private static readonly Scalar LeakySlope = 0.01.ToScalar();

    /// <summary>The top-left of an upsampled map, as large as the skip it joins (4×4 → 8×8 for a 7×7 skip).</summary>
    private static Tensor Crop(Tensor upsampled, Tensor skip) =>
        upsampled.shape[2] == skip.shape[2] && upsampled.shape[3] == skip.shape[3]
            ? upsampled
            : upsampled.narrow(2, 0, skip.shape[2]).narrow(3, 0, skip.shape[3]);

    protected override void Initialize(Generator generator)
    {
        foreach (var layer in new[] { stem, encode1, encode2, middle, up2, decode2, up1, decode1, output })
            Initialization.PyTorchDefault(layer, generator);
    }
}
