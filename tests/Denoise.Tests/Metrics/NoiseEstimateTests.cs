using Denoise.Metrics;
using static TorchSharp.torch;

namespace Denoise.Tests.Metrics;

[Collection("torch")]
public sealed class NoiseEstimateTests
{
    [Fact]
    public void The_filter_is_pywavelets_db2_decomposition_high_pass()
    {
        // pywt.Wavelet('db2').dec_hi, as PyWavelets 1.1 prints it.
        double[] pywt = [-0.48296291314453416, 0.8365163037378079, -0.2241438680420134, -0.12940952255126037];

        // The closed form evaluated in float64 may differ from PyWavelets' stored digits in the last place (1.1e-16 at 0.84).
        Assert.Equal(pywt, NoiseEstimate.HighPass, (a, b) => Math.Abs(a - b) <= 2.3e-16);
    }

    [Theory]
    [InlineData(1, 40, 37)]
    [InlineData(1, 64, 65)]
    [InlineData(1, 5, 4)]
    [InlineData(1, 2, 3)]
    [InlineData(3, 21, 18)]
    public void Matches_scikit_image_estimate_sigma(int channels, int height, int width)
    {
        using var generator = new Generator(11);
        using var image = rand([channels, height, width], generator: generator).mul(0.3).add(randn([channels, height, width], generator: generator).mul(0.1));
        using var python = new PythonReference();
        python.Write("x", image);
        var printed = python.Run($$"""
            from skimage.restoration import estimate_sigma
            x = load('x').astype(np.float64)
            print(estimate_sigma(np.moveaxis(x, 0, -1), channel_axis=-1, average_sigmas=True) if x.shape[0] > 1 else estimate_sigma(x[0]))
            """);

        // The same coefficients summed in another order, then a median of them: equal to float64 rounding.
        Assert.Equal(PythonReference.Numbers(printed)[0], NoiseEstimate.Sigma(image.to(ScalarType.Float64)), 1e-12);
    }

    [Fact]
    public void Finds_the_sigma_of_gaussian_noise_on_a_flat_image()
    {
        using var generator = new Generator(5);
        using var noisy = randn([1, 256, 256], ScalarType.Float64, generator: generator).mul(0.1).add(0.5);

        // 128 x 128 coefficients: the median's standard error is about 1.25 sigma / sqrt(16384), 1 % of sigma; 3 % is 3 of them.
        Assert.Equal(0.1, NoiseEstimate.Sigma(noisy), 0.003);
    }

    [Fact]
    public void A_flat_image_has_no_noise_to_see()
    {
        using var flat = full([1, 12, 12], 0.25, ScalarType.Float64);

        Assert.Equal(0, NoiseEstimate.Sigma(flat));
    }
}
