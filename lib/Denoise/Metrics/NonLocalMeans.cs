using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Metrics;

/// <summary>
/// Non-local means (Buades, Coll and Morel 2005), the classical anchor of photo denoising: each pixel becomes the
/// average of the pixels around it whose surrounding patches look like its own, weighted by how alike they are.
/// A port of scikit-image 0.19's <c>denoise_nl_means</c> with <c>fast_mode=True</c> (Darbon et al. 2008; Froment 2014),
/// to its details, so that tests can hold ours to theirs: the image is padded by numpy's 'reflect'; the distance between
/// the patches at p and q is the sum over a (s − 1) x (s − 1) window (rows and columns from −s/2 + 1 to s/2, the box
/// their integral images give) of the squared differences over all channels, less 2σ² per channel and pixel, clipped at 0
/// and divided by C·h²·s²; a distance above 5 gives weight 0, any other d gives scikit-image's fast exponential of −d
/// (Schraudolph 1999, a few percent off exp), and every pair within ±distance pixels on both axes, p itself included,
/// counts. Channels share their weights, so colour is denoised as one image.
/// </summary>
/// <remarks>
/// Ours loops over the shifts in the same way, but a strip of rows at a time, so memory stays bounded whatever the image's
/// size (scikit-image holds several float64 copies of the whole padded image), and in float64 like scikit-image.
/// </remarks>
public static class NonLocalMeans
{
    /// <summary>Patch distances above this give weight 0 (scikit-image's DISTANCE_CUTOFF).</summary>
    public const double DistanceCutoff = 5.0;

    // Schraudolph's exponential as scikit-image's fast_exp.h computes it: the double whose high 32 bits are
    // (int)(ExpA * y) + ExpBc and whose low 32 bits are 0. ExpBc = 1023 * 2^20 - 60801, the constant for least RMS error.
    // Scalars held for the process (Denoise.Tensors.Scalars says why), as are the cut-offs below.
    private static readonly Scalar ExpA = 1512775.3951951856938.ToScalar(), ExpBc = 1072632447.0.ToScalar(),
        MantissaUnit = ((double)(1 << 20)).ToScalar();

    private static readonly Scalar Cutoff = DistanceCutoff.ToScalar(), PastCutoff = (DistanceCutoff + 1).ToScalar();

    /// <summary>Pixels of a strip per channel: a few MB of float64 per intermediate, whatever the photo's width.</summary>
    private const long StripPixels = 1 << 18;

    /// <summary>
    /// Denoises H x W (grey), C x H x W (one image with C channels) or N x C x H x W images with
    /// <paramref name="options"/>; returns a tensor of the input's shape and dtype.
    /// </summary>
    /// <exception cref="ArgumentException">A setting cannot work, or the images are not floating-point or not of these shapes.</exception>
    public static Tensor Denoise(Tensor images, NonLocalMeansOptions options) => Denoise(images, options, StripPixels);

    /// <param name="stripPixels">Tests set a small one to compare strips with the whole image on small images.</param>
    internal static Tensor Denoise(Tensor images, NonLocalMeansOptions options, long stripPixels)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return EachImage(images, (image, output) => DenoiseImage(image, options, output, stripPixels));
    }

    /// <summary>
    /// Denoises like <see cref="Denoise(Tensor, NonLocalMeansOptions)"/>, each image with the settings for its own
    /// estimated noise (<see cref="NoiseEstimate.Sigma"/>, averaged over its channels): h = 0.8 σ̂, 5 x 5 patches,
    /// distance 6. An image whose estimate is 0 (no noise to be seen) is returned as it is.
    /// </summary>
    public static Tensor Denoise(Tensor images) =>
        EachImage(images, (image, output) =>
        {
            var sigma = NoiseEstimate.Sigma(image);
            if (sigma > 0)
                DenoiseImage(image, NonLocalMeansOptions.ForSigma(sigma), output, StripPixels);
            else
                output.copy_(image);
        });

    /// <summary>Runs <paramref name="denoise"/> on each C x H x W image into the matching part of the result.</summary>
    private static Tensor EachImage(Tensor images, Action<Tensor, Tensor> denoise)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (!images.is_floating_point())
            throw new ArgumentException($"non-local means: images must be a floating-point tensor in [0,1], got {images.dtype}", nameof(images));
        var batch = images.dim() switch
        {
            2 => images.unsqueeze(0).unsqueeze(0),
            3 => images.unsqueeze(0),
            4 => images.alias(),
            _ => throw new ArgumentException(
                $"non-local means: expected an image shaped H x W or C x H x W, or images N x C x H x W, got {ImageBatch.Describe(images.shape)}", nameof(images)),
        };
        using (batch)
        {
            var result = empty_like(batch);
            using var noGrad = no_grad();
            for (var n = 0; n < batch.shape[0]; n++)
            {
                using var scope = NewDisposeScope();
                denoise(batch[n], result[n]);
            }

            return result.reshape(images.shape);
        }
    }

    /// <summary>Denoises one C x H x W image into <paramref name="output"/>, a strip of rows at a time.</summary>
    private static void DenoiseImage(Tensor image, NonLocalMeansOptions options, Tensor output, long stripPixels)
    {
        var (channels, height, width) = (image.shape[0], image.shape[1], image.shape[2]);
        if (height == 0 || width == 0)
            return;
        var size = options.PatchSize % 2 == 0 ? options.PatchSize + 1 : options.PatchSize;
        var (offset, distance) = (size / 2, options.PatchDistance);
        var pad = offset + distance + 1;
        var normalisation = channels * options.H * options.H * size * size;
        var noiseDistance = channels * 2 * options.Sigma * options.Sigma;
        using Scalar normalisationScalar = normalisation.ToScalar(), noiseDistanceScalar = noiseDistance.ToScalar();
        using var powers = PowersOfTwo();
        using var columns = ReflectIndices(width, pad);
        using var allRows = ReflectIndices(height, pad);
        var stripRows = Math.Max(1, stripPixels / (width + 2 * pad));

        for (long top = 0; top < height; top += stripRows)
        {
            using var scope = NewDisposeScope();
            var rows = Math.Min(stripRows, height - top);
            // Padded rows [top, top + rows + 2 pad): output row i of the strip sits at strip row pad + i.
            var strip = image.index_select(1, allRows.narrow(0, top, rows + 2 * pad)).index_select(2, columns).to(ScalarType.Float64);
            // The pixels whose differences the patch distances of the strip's pixels sum: window rows pad + i − offset + 1 ... pad + i + offset.
            var first = pad - offset + 1;
            var (regionRows, regionColumns) = (rows + 2 * offset - 1, width + 2 * offset - 1);
            var reference = strip.narrow(1, first, regionRows).narrow(2, first, regionColumns);
            var sum = zeros([channels, rows, width], ScalarType.Float64);
            var weights = zeros([rows, width], ScalarType.Float64);
            for (var shiftRow = -distance; shiftRow <= distance; shiftRow++)
            {
                for (var shiftColumn = -distance; shiftColumn <= distance; shiftColumn++)
                {
                    using var shiftScope = NewDisposeScope();
                    var patchDistance = offset == 0
                        ? zeros([rows, width], ScalarType.Float64)
                        : WindowSums(reference
                            .sub(strip.narrow(1, first + shiftRow, regionRows).narrow(2, first + shiftColumn, regionColumns))
                            .pow_(Scalars.Two).sum(dim: 0).sub_(noiseDistanceScalar), 2 * offset, rows, width);
                    patchDistance.clamp_min_(Scalars.Zero).div_(normalisationScalar);
                    var weight = FastExp(patchDistance.clamp_max(PastCutoff).neg_(), powers)
                        .masked_fill_(patchDistance.gt(Cutoff), Scalars.Zero);
                    var neighbours = strip.narrow(1, pad + shiftRow, rows).narrow(2, pad + shiftColumn, width);
                    sum.add_(neighbours.mul(weight), Scalars.One);
                    weights.add_(weight, Scalars.One);
                }
            }

            // No division by zero: a pixel's own patch is at distance 0 and always counts.
            output.narrow(1, top, rows).copy_(sum.div_(weights));
        }
    }

    /// <summary>The sums over every <paramref name="window"/> x <paramref name="window"/> square of <paramref name="values"/>
    /// (rows x width of them), from its integral image as scikit-image computes them.</summary>
    private static Tensor WindowSums(Tensor values, int window, long rows, long width)
    {
        var integral = ZeroBorder(values.cumsum(0).cumsum(1));
        return integral.narrow(0, window, rows).narrow(1, window, width)
            .sub(integral.narrow(0, 0, rows).narrow(1, window, width))
            .sub_(integral.narrow(0, window, rows).narrow(1, 0, width))
            .add_(integral.narrow(0, 0, rows).narrow(1, 0, width), Scalars.One);
    }

    /// <summary>A zero row on top and a zero column on the left: entry (i, j) then sums rows before i and columns before j.</summary>
    private static Tensor ZeroBorder(Tensor cumulative) => nn.functional.pad(cumulative, [1, 0, 1, 0]);

    /// <summary>scikit-image's fast exponential of <paramref name="y"/> (≤ 0), exactly: its high word as a float64 integer,
    /// split into exponent and mantissa, the power of two looked up so that nothing is rounded.</summary>
    private static Tensor FastExp(Tensor y, Tensor powers)
    {
        var high = y.mul(ExpA).trunc_().add_(ExpBc, Scalars.One);
        var exponent = high.div(MantissaUnit).floor_();
        var mantissa = high.sub_(exponent.mul(MantissaUnit)).div_(MantissaUnit).add_(Scalars.One, Scalars.One);
        var scale = powers.index_select(0, exponent.flatten().to(ScalarType.Int64)).reshape(exponent.shape);
        return mantissa.mul_(scale);
    }

    /// <summary>2^(e − 1023) for every biased exponent e of a double, 0 to 2047.</summary>
    private static Tensor PowersOfTwo() =>
        tensor(Enumerable.Range(0, 2048).Select(e => Math.ScaleB(1.0, e - 1023)).ToArray(), ScalarType.Float64);

    /// <summary>The source index of each position in [−border, n + border) under numpy's 'reflect' padding
    /// (d c b | a b c d | c b a: the edge is not repeated), folding as often as the border needs; a single pixel repeats.</summary>
    internal static Tensor ReflectIndices(long n, long border)
    {
        var indices = new long[n + 2 * border];
        var period = 2 * (n - 1);
        for (var i = 0; i < indices.Length; i++)
        {
            if (n == 1)
                continue;
            var folded = ((i - border) % period + period) % period;
            indices[i] = folded < n ? folded : period - folded;
        }

        return tensor(indices);
    }
}
