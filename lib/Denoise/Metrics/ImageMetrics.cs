using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Metrics;

/// <summary>
/// MSE, PSNR and SSIM of images against clean references, batched on the tensor's device and matching
/// scikit-image's <c>mean_squared_error</c>, <c>peak_signal_noise_ratio(ref, img, data_range=1)</c> and
/// <c>structural_similarity(ref, img, data_range=1)</c> for 2-D grayscale images in [0, 1].
/// </summary>
/// <remarks>
/// Inputs are float tensors shaped H×W, N×H×W or N×1×H×W; reference and image must have the same shape.
/// Every per-image result is a float64 tensor of length N. Sums run in float64 like scikit-image, because
/// SSIM's variances are differences of nearly equal means and float32 would lose the 1e-4 agreement.
/// </remarks>
public static class ImageMetrics
{
    /// <summary>scikit-image's default window: 7×7 uniform (box) weights.</summary>
    public const int SsimWindow = 7;

    public const double SsimK1 = 0.01;
    public const double SsimK2 = 0.03;

    /// <summary>
    /// Pixels computed at a time, in float64 (some images of a batch, or a piece of one large image): SSIM keeps about
    /// ten float64 copies of a piece alive, some 100 MB, whatever the batch or the image.
    /// </summary>
    private const long PiecePixels = 1 << 20;

    /// <summary>Mean squared error per image.</summary>
    public static Tensor Mse(Tensor reference, Tensor image)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Prepare(reference, image);
        var sums = SumOverPieces(x, y, border: 0, (a, b) => (a - b).pow(Scalars.Two));
        using var pixels = (x.shape[2] * x.shape[3]).ToScalar();
        return sums.div_(pixels).MoveToOuterDisposeScope();
    }

    /// <summary>PSNR in dB per image for data range 1: 10·log10(1 / MSE); +infinity where the images are identical.</summary>
    public static Tensor Psnr(Tensor reference, Tensor image)
    {
        using var scope = NewDisposeScope();
        return PsnrFromMse(Mse(reference, image)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean structural similarity per image, as scikit-image computes it by default: 7×7 box window,
    /// K1 = 0.01, K2 = 0.03, data range 1, sample covariance (49/48), averaged over the image without a
    /// 3-pixel border. Images must be at least 7×7.
    /// </summary>
    /// <remarks>
    /// scikit-image filters the whole image (reflect mode) and then crops 3 pixels from each side of the SSIM map;
    /// every window left after the crop lies fully inside the image, so a 'valid' 7×7 average pool gives exactly
    /// the cropped map and padding never matters.
    /// </remarks>
    public static Tensor Ssim(Tensor reference, Tensor image)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Prepare(reference, image);
        var (height, width) = (x.shape[2], x.shape[3]);
        if (height < SsimWindow || width < SsimWindow)
        {
            throw new ArgumentException(
                $"SSIM needs images of at least {SsimWindow} x {SsimWindow} pixels (its window size), got {height} x {width}");
        }

        var sums = SumOverPieces(x, y, border: SsimWindow - 1, SsimMap);
        using var windows = ((height - SsimWindow + 1) * (width - SsimWindow + 1)).ToScalar();
        return sums.div_(windows).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per image, the sum of <paramref name="map"/> over its pixels, computed <see cref="PiecePixels"/> at a time in
    /// float64: a chunk of whole images, or for a large image rectangles of it (square, or as thin as a thin image).
    /// The map of a piece is <paramref name="border"/> pixels smaller than the piece in each direction (a 'valid'
    /// window), so pieces overlap by that much and every map pixel is summed once.
    /// </summary>
    private static Tensor SumOverPieces(Tensor x, Tensor y, int border, Func<Tensor, Tensor, Tensor> map)
    {
        var (count, height, width) = (x.shape[0], x.shape[2], x.shape[3]);
        var sums = zeros(count, dtype: ScalarType.Float64, device: x.device);
        var (mapHeight, mapWidth) = (height - border, width - border);
        var images = Math.Clamp(PiecePixels / Math.Max(1, height * width), 1, Math.Max(1, count));
        var (rows, columns) = images > 1 || height * width <= PiecePixels ? (mapHeight, mapWidth) : PieceShape(mapHeight, mapWidth, border);
        for (long n = 0; n < count; n += images)
            for (long row = 0; row < mapHeight; row += rows)
                for (long column = 0; column < mapWidth; column += columns)
                {
                    using var scope = NewDisposeScope();
                    var length = Math.Min(images, count - n);
                    var (pieceRows, pieceColumns) = (Math.Min(rows, mapHeight - row) + border, Math.Min(columns, mapWidth - column) + border);
                    Tensor Piece(Tensor t) => t.narrow(0, n, length).narrow(2, row, pieceRows).narrow(3, column, pieceColumns).to_type(ScalarType.Float64);
                    sums.narrow(0, n, length).add_(map(Piece(x), Piece(y)).sum([1, 2, 3]), Scalars.One);
                }
        return sums;
    }

    /// <summary>The map rows and columns of one piece of a large image: about <see cref="PiecePixels"/> with its border.</summary>
    private static (long Rows, long Columns) PieceShape(long mapHeight, long mapWidth, int border)
    {
        var side = (long)Math.Sqrt(PiecePixels) - border;
        if (mapWidth < side)
            return (Math.Max(1, PiecePixels / (mapWidth + border) - border), mapWidth);
        if (mapHeight < side)
            return (mapHeight, Math.Max(1, PiecePixels / (mapHeight + border) - border));
        return (side, side);
    }

    /// <summary>MSE, PSNR and SSIM of every image, gathered on the CPU with their means.</summary>
    public static QualityReport Evaluate(Tensor reference, Tensor image)
    {
        using var scope = NewDisposeScope();
        var mse = Mse(reference, image);
        if (mse.shape[0] == 0)
        {
            throw new ArgumentException("there are no images to evaluate (the batch is empty)");
        }

        var psnr = PsnrFromMse(mse);
        var ssim = Ssim(reference, image);
        return new QualityReport(ToArray(mse), ToArray(psnr), ToArray(ssim));
    }

    /// <summary>MSE, PSNR and SSIM of a single image (H×W, 1×H×W or 1×1×H×W) against its reference.</summary>
    public static ImageQuality Measure(Tensor reference, Tensor image)
    {
        using var scope = NewDisposeScope();
        ImageBatch.RequireSameShape(reference, image);
        var count = ImageBatch.AsBatch(reference, nameof(reference)).shape[0];
        if (count != 1)
        {
            throw new ArgumentException($"Measure compares one image, got a batch of {count}; use Evaluate for batches");
        }

        return Evaluate(reference, image)[0];
    }

    /// <summary>
    /// How far <paramref name="image"/> is off <paramref name="reference"/> on average in each plane of C×H×W images
    /// in [0, 1], in grey levels of 0-255 (positive: brighter): a colour cast shows as planes off by different amounts.
    /// </summary>
    public static double[] MeanShiftInGreyLevels(Tensor reference, Tensor image)
    {
        if (reference.dim() != 3 || !reference.shape.SequenceEqual(image.shape))
            throw new ArgumentException($"the mean shift needs two C x H x W images of one shape, got {string.Join(" x ", reference.shape)} and {string.Join(" x ", image.shape)}");
        using var scope = NewDisposeScope();
        return image.to_type(ScalarType.Float64).sub(reference.to_type(ScalarType.Float64)).mean([1, 2]).mul_(Scalars.ByteMax)
            .data<double>().ToArray();
    }

    /// <summary>
    /// The same per-image SSIM on N×1×H×W tensors as they are: in their own dtype, differentiable, no checks and no
    /// chunking (for a training loss; <see cref="Ssim"/> is the measurement).
    /// </summary>
    public static Tensor SsimOfBatch(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        return SsimMap(x, y).mean([1, 2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The constants of <see cref="SsimMap"/> and <see cref="Band"/> as TorchSharp scalars that live as long as the
    /// process (<see cref="Scalars"/> says why).
    /// </summary>
    private static readonly Scalar C1 = (SsimK1 * SsimK1).ToScalar(),
        C2 = (SsimK2 * SsimK2).ToScalar(),
        CovarianceNorm = (SsimWindow * SsimWindow / (SsimWindow * SsimWindow - 1.0)).ToScalar(),
        Window = SsimWindow.ToScalar(),
        Ten = 10.0.ToScalar();

    /// <summary>The SSIM of every 7×7 window that lies inside the images: N×1×(H-6)×(W-6).</summary>
    private static Tensor SsimMap(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        // The five window means in one pass over a stacked tensor.
        var means = WindowMeans(cat([x, y, x * x, y * y, x * y], 1));
        var (ux, uy) = (means.narrow(1, 0, 1), means.narrow(1, 1, 1));
        var vx = (means.narrow(1, 2, 1) - ux * ux).mul_(CovarianceNorm);
        var vy = (means.narrow(1, 3, 1) - uy * uy).mul_(CovarianceNorm);
        var vxy = (means.narrow(1, 4, 1) - ux * uy).mul_(CovarianceNorm);

        var numerator = (ux * uy).mul_(Scalars.Two).add_(C1, Scalars.One) * vxy.mul(Scalars.Two).add_(C2, Scalars.One);
        var denominator = (ux * ux).add_(uy * uy, Scalars.One).add_(C1, Scalars.One) * vx.add(vy, Scalars.One).add_(C2, Scalars.One);
        return (numerator / denominator).MoveToOuterDisposeScope();
    }

    /// <summary>Sides up to this take <see cref="WindowMeans"/>' band matrices; beyond, their cost (a row of the side's length per pixel) outgrows avg_pool2d's.</summary>
    private const long BandMatrixSides = 256;

    /// <summary>
    /// The mean of every 7×7 window (stride 1, no padding) of each map of N×C×H×W, as an N×C×(W-6)×(H-6) tensor:
    /// transposed, which the mean over each SSIM map does not see. On sides up to <see cref="BandMatrixSides"/> it is
    /// two matrix products with a band of 1/7s (a row mean, then a column mean): libtorch's avg_pool2d took 2-4× as
    /// long, forward and backward, on 28×28 to 256×256 images, and in the U-Net's training step SSIM's pooling cost
    /// as much as a convolution (docs/performance.md).
    /// </summary>
    private static Tensor WindowMeans(Tensor maps)
    {
        var (height, width) = (maps.shape[2], maps.shape[3]);
        if (height > BandMatrixSides || width > BandMatrixSides)
            return functional.avg_pool2d(maps, SsimWindow, stride: 1).transpose(2, 3);
        using var rows = Band(width, maps);
        using var columns = Band(height, maps);
        return maps.matmul(rows).transpose(2, 3).matmul(columns);
    }

    /// <summary>side × (side - 6): column j averages entries j..j+6.</summary>
    private static Tensor Band(long side, Tensor like)
    {
        using var scope = NewDisposeScope();
        using Scalar start = 0L.ToScalar(), step = 1L.ToScalar(), rows = side.ToScalar(), columns = (side - SsimWindow + 1).ToScalar();
        var i = arange(start, rows, step, device: like.device).unsqueeze(1);
        var j = arange(start, columns, step, device: like.device).unsqueeze(0);
        return (i.ge(j) & i.lt(j.add(Window, step))).to_type(like.dtype).div_(Window).MoveToOuterDisposeScope();
    }

    private static Tensor PsnrFromMse(Tensor mse) => mse.reciprocal().log10_().mul_(Ten);

    private static (Tensor X, Tensor Y) Prepare(Tensor reference, Tensor image)
    {
        ImageBatch.RequireSameShape(reference, image);
        if (!reference.is_floating_point() || !image.is_floating_point())
        {
            throw new ArgumentException(
                $"metrics expect float images in [0, 1], got {reference.dtype} and {image.dtype} - divide bytes by 255 first");
        }

        // Still in their own dtype: each piece becomes float64 when it is computed.
        return (ImageBatch.AsBatch(reference, nameof(reference)), ImageBatch.AsBatch(image, nameof(image)));
    }

    private static double[] ToArray(Tensor values) => values.cpu().data<double>().ToArray();
}
