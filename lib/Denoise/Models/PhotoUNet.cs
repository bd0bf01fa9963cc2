using Denoise.Metrics;
using Denoise.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// The photo denoiser: a residual U-Net that predicts the noise and is told the image's noise level, after DRUNet
/// (Zhang et al., 2021, "Plug-and-play image restoration with deep denoiser prior"), made small enough to train on a
/// CPU in minutes. Space-to-depth folds each 2×2 block into four channels, and a fifth channel holds the noise level σ
/// everywhere; a 3×3 convolution makes 32 channels. Three levels follow, each a <see cref="ResidualBlock"/>, on grids
/// of a half, a quarter and an eighth of the photo's side, joined by 2×2 convolutions of stride 2 on the way down (32 →
/// 64 → 112 channels) and by 1×1 convolutions with depth-to-space on the way up (the same function as a 2×2 transposed
/// convolution of stride 2, which libtorch and PyTorch run far more slowly), each added to the level's own map (additive
/// skips) and refined by one more residual block. A last 3×3 convolution makes four channels that depth-to-space turns
/// into the noise, which is subtracted from the input. About 488,000 parameters. The noise level is estimated from the
/// image (<see cref="NoiseEstimate"/>, the median absolute wavelet coefficient) unless the caller gives it. Sides must
/// be even; an odd side at a coarser level is padded by one row or column of zeros and cropped again on the way up.
/// </summary>
public sealed class PhotoUNet : Denoiser
{
    public const string ArchitectureName = "photo-unet";

    private readonly PixelUnshuffle toHalf = PixelUnshuffle(2);
    private readonly Conv2d stem = Conv2d(4 + 1, 32, 3, padding: 1);
    private readonly ResidualBlock encode1 = new(32);
    private readonly Conv2d down1 = Conv2d(32, 64, 2, stride: 2);
    private readonly ResidualBlock encode2 = new(64);
    private readonly Conv2d down2 = Conv2d(64, 112, 2, stride: 2);
    private readonly ResidualBlock middle = new(112);
    private readonly Conv2d up2 = Conv2d(112, 4 * 64, 1);
    private readonly PixelShuffle grow2 = PixelShuffle(2);
    private readonly ResidualBlock decode2 = new(64);
    private readonly Conv2d up1 = Conv2d(64, 4 * 32, 1);
    private readonly PixelShuffle grow1 = PixelShuffle(2);
    private readonly ResidualBlock decode1 = new(32);
    private readonly Conv2d output = Conv2d(32, 4, 3, padding: 1);
    private readonly PixelShuffle toFull = PixelShuffle(2);

    /// <summary>Creates the network with PyTorch's default initialisation drawn from <paramref name="seed"/>.</summary>
    public PhotoUNet(long seed) : base(nameof(PhotoUNet))
    {
        RegisterComponents();
        InitializeFrom(seed);
    }

    public override string Architecture => ArchitectureName;

    /// <summary>Space-to-depth halves the sides; the coarser levels pad an odd side themselves.</summary>
    public override int SizeMultiple => 2;

    /// <summary>The coarsest grid spans 8 input pixels; tiles start on it, so its cells fall where they fall in the whole image.</summary>
    public override int TileGrid => 8;

    /// <summary>
    /// The 3×3 convolutions reach 1 (stem) and 2 × 1 (each residual block) cells of their grid: 1 + 2 + 2 + 1 (output)
    /// on the half grid (2 input pixels a cell), 2 + 2 on the quarter grid (4) and 2 on the eighth (8), 52 pixels; where
    /// a pixel falls in the space-to-depth block, the two stride-2 windows and the two depth-to-space blocks adds up to
    /// 1 + 2 + 4 + 4 + 2 (the tests measure it).
    /// </summary>
    public override int ReceptiveRadius => 65;

    /// <summary>Each image's σ as <see cref="NoiseEstimate"/> finds it in the image (scikit-image's <c>estimate_sigma</c>).</summary>
    public override Tensor EstimateNoiseLevels(Tensor images) => NoiseEstimate.Sigmas(images);

    public override Tensor forward(Tensor input) => Forward(input, EstimateNoiseLevels(input));

    public override Tensor ForwardWithNoiseLevels(Tensor images, Tensor levels) => Forward(images, levels);

    /// <summary>
    /// The network, top to bottom. In eval mode the output is clamped to [0, 1], the range of every image; training
    /// sees it unclamped, so that the loss sees every error.
    /// </summary>
    private Tensor Forward(Tensor input, Tensor levels)
    {
        using var scope = NewDisposeScope();
        if (levels.numel() != input.shape[0])
            throw new ArgumentException($"{ArchitectureName}: {levels.numel()} noise levels for {input.shape[0]} images");
        var half = toHalf.call(input);
        // The level is an input, not something to learn through: no gradient flows into it.
        var plane = levels.detach().to(input.dtype).view(-1, 1, 1, 1).expand(half.shape[0], 1, half.shape[2], half.shape[3]);
        var x1 = encode1.call(stem.call(cat([half, plane], 1)));
        var x2 = encode2.call(down1.call(PadToEven(x1)));
        var x3 = middle.call(down2.call(PadToEven(x2)));
        var y = decode2.call(CropTo(grow2.call(up2.call(x3)), x2).add(x2, Scalars.One));
        y = decode1.call(CropTo(grow1.call(up1.call(y)), x1).add(x1, Scalars.One));
        var clean = input - toFull.call(output.call(y));
        return (training ? clean : clean.clamp(Scalars.Zero, Scalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>A map with an odd side gets one row or column of zeros at its end, so a 2×2 stride-2 window covers it all.</summary>
    private static Tensor PadToEven(Tensor map)
    {
        var (bottom, right) = (map.shape[2] % 2, map.shape[3] % 2);
        return bottom + right == 0 ? map : functional.pad(map, [0, right, 0, bottom]);
    }

    /// <summary>The top-left of an upsampled map, as large as the map it joins (8×8 → 7×7 after an odd side was padded).</summary>
    private static Tensor CropTo(Tensor upsampled, Tensor skip) =>
        upsampled.shape[2] == skip.shape[2] && upsampled.shape[3] == skip.shape[3]
            ? upsampled
            : upsampled.narrow(2, 0, skip.shape[2]).narrow(3, 0, skip.shape[3]);

    protected override void Initialize(Generator generator) => Initialization.PyTorchDefaults(this, generator);
}
