using Denoise.Tensors;
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
        using var noGrad = no_grad();
        var planes = image.reshape(-1, 1, image.shape[^2], image.shape[^1]).to(ScalarType.Float64);
        var channels = planes.shape[0];
        var sum = 0.0;
        for (var c = 0; c < channels; c++)
            sum += ChannelSigma(planes.narrow(0, c, 1));
        return sum / channels;
    }

    /// <summary>The estimate for one 1 x 1 x H x W plane.</summary>
    private static double ChannelSigma(Tensor plane)
    {
        var taps = HighPass.Count;
        // PyWavelets' 'symmetric' extension repeats the edge (scipy's 'reflect'); output k is the filter over
        // extended samples 2k + 1 ... 2k + 4, reversed, so a correlation with the reversed filter from sample 1, stride 2.
        var extended = ClassicalFilters.PadSymmetric(plane, taps - 1);
        extended = extended.narrow(2, 1, extended.shape[2] - 1).narrow(3, 1, extended.shape[3] - 1);
        var reversed = tensor(HighPass.Reverse().ToArray(), ScalarType.Float64);
        var kernel = reversed.unsqueeze(1).mul(reversed.unsqueeze(0)).reshape(1, 1, taps, taps);
        var diagonal = functional.conv2d(extended, kernel, strides: [2, 2]).abs_().flatten();
        var nonzero = diagonal.masked_select(diagonal.ne(0));
        var count = nonzero.shape[0];
        if (count == 0)
            return 0;
        // numpy's median: the mean of the two middle values of an even count.
        var sorted = nonzero.sort().Values;
        var median = (sorted[(count - 1) / 2].item<double>() + sorted[count / 2].item<double>()) / 2;
        return median / NormalQuartile;
    }

    private static double[] DaubechiesHighPass()
    {
        var root3 = Math.Sqrt(3);
        var norm = 4 * Math.Sqrt(2);
        return [-(1 + root3) / norm, (3 + root3) / norm, -(3 - root3) / norm, (1 - root3) / norm];
    }
}
