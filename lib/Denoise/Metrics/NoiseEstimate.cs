using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Metrics;

/// <summary>
/// Estimates the standard deviation of Gaussian noise in an image from the image alone, as scikit-image's
/// <c>estimate_sigma</c> does (Donoho and Johnstone 1994): the median absolute value of the finest diagonal wavelet
/// coefficients (Daubechies 2, PyWavelets' 'symmetric' extension), exact zeros left out, divided by 0.6745, the
/// median absolute value of a standard normal variable. Fine image detail counts as noise too, so clean photos
/// get a small estimate above 0.
/// </summary>
public static class NoiseEstimate
{
    /// <summary>The 75th percentile of the standard normal distribution, scipy.stats.norm.ppf(0.75).</summary>
    public const double NormalQuartile = 0.6744897501960817;

    /// <summary>The Daubechies-2 decomposition high-pass filter in PyWavelets' order, from its closed form
    /// (−(1+√3), 3+√3, −(3−√3), 1−√3) / (4√2).</summary>
    public static IReadOnlyList<double> HighPass { get; } = DaubechiesHighPass();

    /// <summary>
    /// The estimated σ of an H x W or C x H x W image (in its own units: 0-1 images give σ of 0-1 images); for several
    /// channels, the mean of their estimates (scikit-image's <c>average_sigmas=True</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The image is not H x W or C x H x W, or is empty.</exception>
    public static double Sigma(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() is not (2 or 3) || image.numel() == 0)
            throw new ArgumentException($"noise estimate: expected a non-empty image H x W or C x H x W, got {ImageBatch.Describe(image.shape)}", nameof(image));
        using var scope = NewDisposeScope();
        return Sigmas(image.reshape(1, -1, image.shape[^2], image.shape[^1]))[0].item<double>();
    }

    /// <summary>
    /// <see cref="Sigma"/> of each image of an N x C x H x W batch at once: float64, N values (each the mean over its
    /// channels). The median of every plane's coefficients comes from one sort of them all, so a batch of training
    /// patches costs one call, and nothing is read back to the host.
    /// </summary>
    /// <exception cref="ArgumentException">The images are not N x C x H x W, or are empty.</exception>
    public static Tensor Sigmas(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.numel() == 0)
            throw new ArgumentException($"noise estimate: expected non-empty images N x C x H x W, got {ImageBatch.Describe(images.shape)}", nameof(images));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (count, channels) = (images.shape[0], images.shape[1]);
        var planes = images.detach().reshape(count * channels, 1, images.shape[2], images.shape[3]).to(ScalarType.Float64);
        var detail = DiagonalDetail(planes).abs_().flatten(1);
        var size = detail.shape[1];
        // Exact zeros are left out, as scikit-image does; sorted, they come first, so the rest are the last `nonzero`.
        var sorted = detail.sort(1).Values;
        // Integer scalars for the integer counts and positions, held until libtorch returns (Scalars says why).
        using Scalar zero = 0L.ToScalar(), one = 1L.ToScalar(), two = 2L.ToScalar(), total = size.ToScalar(), last = (size - 1).ToScalar(),
            quartile = NormalQuartile.ToScalar();
        var nonzero = detail.ne(Scalars.Zero).sum(1, keepdim: true);
        var skipped = nonzero.neg().add_(total, one);   // size - nonzero
        var first = skipped.add(nonzero.sub(one).div(two, rounding_mode: RoundingMode.floor), one).clamp_(zero, last);
        var second = skipped.add(nonzero.div(two, rounding_mode: RoundingMode.floor), one).clamp_(zero, last);
        // numpy's median: the mean of the two middle values of an even count (the same value twice for an odd one).
        var median = sorted.gather(1, first).add_(sorted.gather(1, second), Scalars.One).div_(Scalars.Two);
        var sigma = where(nonzero.eq(zero), zeros_like(median), median.div_(quartile));
        return sigma.view(count, channels).mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>The finest diagonal Daubechies-2 coefficients of (N·C) x 1 x H x W float64 planes.</summary>
    private static Tensor DiagonalDetail(Tensor planes)
    {
        var taps = HighPass.Count;
        // PyWavelets' 'symmetric' extension repeats the edge (scipy's 'reflect'); output k is the filter over
        // extended samples 2k + 1 ... 2k + 4, reversed, so a correlation with the reversed filter from sample 1, stride 2.
        var extended = ClassicalFilters.PadSymmetric(planes, taps - 1);
        extended = extended.narrow(2, 1, extended.shape[2] - 1).narrow(3, 1, extended.shape[3] - 1);
        var reversed = tensor(HighPass.Reverse().ToArray(), ScalarType.Float64);
        var kernel = reversed.unsqueeze(1).mul(reversed.unsqueeze(0)).reshape(1, 1, taps, taps);
        return functional.conv2d(extended, kernel, strides: [2, 2]);
    }

    private static double[] DaubechiesHighPass()
    {
        var root3 = Math.Sqrt(3);
        var norm = 4 * Math.Sqrt(2);
        return [-(1 + root3) / norm, (3 + root3) / norm, -(3 - root3) / norm, (1 - root3) / norm];
    }
}
