using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Metrics;

/// <summary>
/// The classical denoisers the autoencoder has to beat: a median filter and a Gaussian blur, batched over
/// whole sets and matching <c>scipy.ndimage.median_filter</c> and <c>scipy.ndimage.gaussian_filter</c>
/// with their default <c>mode='reflect'</c>.
/// </summary>
/// <remarks>
/// Images are float tensors shaped H×W, N×H×W (a C×H×W colour image too), N×1×H×W or N×C×H×W; each channel is
/// filtered on its own, so colour photos keep their colour. The result has the input's shape and dtype.
/// scipy's 'reflect' repeats the edge pixel (d c b a | a b c d | d c b a), which is numpy's and PyTorch's
/// 'symmetric', not PyTorch's 'reflect'; <see cref="PadSymmetric"/> builds it from indices for any border width.
/// </remarks>
public static class ClassicalFilters
{
    /// <summary>scipy.ndimage.gaussian_filter's default: the kernel reaches 4 sigma on each side.</summary>
    public const double GaussianTruncate = 4.0;

    /// <summary>Median of each pixel's <paramref name="size"/>×<paramref name="size"/> neighbourhood (odd size, default 3).</summary>
    public static Tensor Median(Tensor images, int size = 3)
    {
        if (size < 1 || size % 2 == 0)
        {
            throw new ArgumentException($"median filter size must be a positive odd number, got {size}");
        }

        using var scope = NewDisposeScope();
        var batch = Planes(images);
        var padded = PadSymmetric(batch, size / 2);
        var windows = padded.unfold(2, size, 1).unfold(3, size, 1).flatten(-2);
        // The middle of an odd-sized sorted window is its median; kthvalue finds it without a full sort.
        var (median, _) = windows.kthvalue(size * size / 2 + 1, -1);
        return median.reshape(images.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Gaussian blur with standard deviation <paramref name="sigma"/> pixels, as two separable 1-D passes
    /// with the kernel of <see cref="GaussianKernel"/>.
    /// </summary>
    public static Tensor GaussianBlur(Tensor images, double sigma = 1.0)
    {
        var weights = GaussianKernel(sigma);
        var radius = weights.Length / 2;

        using var scope = NewDisposeScope();
        var batch = Planes(images);
        var kernel = tensor(weights, dtype: batch.dtype, device: batch.device);
        var vertical = kernel.reshape(1, 1, weights.Length, 1);
        var horizontal = kernel.reshape(1, 1, 1, weights.Length);

        var blurred = functional.conv2d(PadSymmetric(batch, radius, height: true, width: false), vertical);
        blurred = functional.conv2d(PadSymmetric(blurred, radius, height: false, width: true), horizontal);
        return blurred.reshape(images.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The normalised 1-D Gaussian weights scipy uses: exp(-x²/2σ²) for x in [-r, r] with
    /// r = floor(4σ + 0.5), divided by their sum (so they add up to 1 and a flat image stays flat).
    /// </summary>
    public static double[] GaussianKernel(double sigma)
    {
        if (!(sigma > 0) || double.IsInfinity(sigma))
        {
            throw new ArgumentException($"Gaussian blur sigma must be a positive number of pixels, got {sigma}");
        }

        var radius = (int)(GaussianTruncate * sigma + 0.5);
        var weights = Enumerable.Range(-radius, 2 * radius + 1)
            .Select(x => Math.Exp(-0.5 * x * x / (sigma * sigma)))
            .ToArray();
        var sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>Every channel of every image as a plane of its own, (N·C)×1×H×W.</summary>
    private static Tensor Planes(Tensor images) => images.dim() == 4
        ? images.reshape(-1, 1, images.shape[2], images.shape[3])
        : ImageBatch.AsBatch(images, nameof(images));

    /// <summary>Pads an N×C×H×W batch by mirroring with the edge pixel repeated (scipy's 'reflect').</summary>
    internal static Tensor PadSymmetric(Tensor batch, int border, bool height = true, bool width = true)
    {
        if (border == 0)
        {
            return batch.alias();
        }

        var result = batch;
        if (height)
        {
            result = result.index_select(2, SymmetricIndices(batch.shape[2], border, batch.device));
        }

        if (width)
        {
            result = result.index_select(3, SymmetricIndices(batch.shape[3], border, batch.device));
        }

        return result;
    }

    /// <summary>Source index for each position in [-border, n + border), folding with period 2n like scipy.</summary>
    private static Tensor SymmetricIndices(long n, int border, Device device)
    {
        var indices = new long[n + 2 * border];
        for (var i = 0; i < indices.Length; i++)
        {
            var folded = ((i - border) % (2 * n) + 2 * n) % (2 * n);
            indices[i] = folded < n ? folded : 2 * n - 1 - folded;
        }

        return tensor(indices, device: device);
    }
}
