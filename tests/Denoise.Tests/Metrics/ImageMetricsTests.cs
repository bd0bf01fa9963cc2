using Denoise.Metrics;
using static TorchSharp.torch;

namespace Denoise.Tests.Metrics;

[Collection("torch")]
public sealed class ImageMetricsTests
{
    private const double C1 = 0.01 * 0.01;
    private const double C2 = 0.03 * 0.03;

    [Fact]
    public void Mse_is_the_mean_of_squared_pixel_differences()
    {
        var reference = tensor(new float[] { 0.0f, 0.5f, 1.0f, 0.25f }).reshape(2, 2);
        var image = tensor(new float[] { 0.1f, 0.5f, 0.8f, 0.25f }).reshape(2, 2);

        var mse = ImageMetrics.Mse(reference, image).item<double>();

        // (0.1² + 0 + 0.2² + 0) / 4
        Assert.Equal(0.0125, mse, 1e-7);
    }

    [Fact]
    public void The_mean_shift_is_each_planes_mean_difference_in_grey_levels()
    {
        // Plane 0 brighter by 0.1 everywhere, plane 1 darker by 0.2 at one of four pixels, plane 2 untouched.
        using var reference = full(3, 2, 2, 0.5f);
        using var image = reference.clone();
        image[0].add_(0.1f);
        image[1, 0, 0] = tensor(0.3f);

        var shift = ImageMetrics.MeanShiftInGreyLevels(reference, image);

        // float32 inputs, differences taken in float64: 0.1 and 0.2 in float32 are within 1e-6 of the decimals.
        Assert.Equal([25.5, -12.75, 0.0], shift.Select(s => Math.Round(s, 4)));
        Assert.Throws<ArgumentException>(() => ImageMetrics.MeanShiftInGreyLevels(reference, image.narrow(0, 0, 2)));
    }

    [Fact]
    public void Psnr_is_ten_log10_of_the_inverse_mse()
    {
        var reference = TestImages.ToTensor(TestImages.Constant(8, 8, 0.5f));
        var image = TestImages.ToTensor(TestImages.Constant(8, 8, 0.6f));

        var psnr = ImageMetrics.Psnr(reference, image).item<double>();

        // MSE 0.01 -> 10·log10(100) = 20 dB
        Assert.Equal(20.0, psnr, 1e-4);
    }

    [Fact]
    public void Psnr_of_identical_images_is_positive_infinity()
    {
        var image = TestImages.ToTensor(TestImages.Uniform(9, 9, seed: 1));

        var psnr = ImageMetrics.Psnr(image, image.clone()).item<double>();

        Assert.True(double.IsPositiveInfinity(psnr), $"expected +infinity, got {psnr}");
    }

    [Fact]
    public void Ssim_of_an_image_with_itself_is_one()
    {
        var image = TestImages.ToTensor(TestImages.Noisy(TestImages.Blob(28, 28), seed: 2, sigma: 0.3));

        var ssim = ImageMetrics.Ssim(image, image.clone()).item<double>();

        Assert.Equal(1.0, ssim, 1e-12);
    }

    [Fact]
    public void Ssim_of_two_flat_images_is_the_luminance_term()
    {
        var reference = TestImages.ToTensor(TestImages.Constant(10, 12, 0.2f));
        var image = TestImages.ToTensor(TestImages.Constant(10, 12, 0.7f));

        var ssim = ImageMetrics.Ssim(reference, image).item<double>();

        // Flat images have zero variance, so the contrast term is C2 / C2 and only (2ab + C1) / (a² + b² + C1) is left.
        const double a = 0.2f, b = 0.7f;
        Assert.Equal((2 * a * b + C1) / (a * a + b * b + C1), ssim, 1e-6);
    }

    [Fact]
    public void Ssim_of_an_8x8_pair_matches_the_textbook_formula_over_each_window()
    {
        var x = TestImages.Uniform(8, 8, seed: 3);
        var y = TestImages.Noisy(x, seed: 4, sigma: 0.2);

        var ssim = ImageMetrics.Ssim(TestImages.ToTensor(x), TestImages.ToTensor(y)).item<double>();

        Assert.Equal(TextbookSsim(x, y), ssim, 1e-9);
    }

    [Fact]
    public void Every_image_of_a_batch_scores_as_it_would_alone()
    {
        var clean = new[] { TestImages.Blob(16, 16), TestImages.Uniform(16, 16, seed: 5), TestImages.Constant(16, 16, 0.3f) };
        var noisy = clean.Select((image, i) => TestImages.Noisy(image, seed: 10 + i, sigma: 0.1)).ToArray();

        var batchSsim = ImageMetrics.Ssim(TestImages.ToBatch(clean), TestImages.ToBatch(noisy)).data<double>().ToArray();
        var batchPsnr = ImageMetrics.Psnr(TestImages.ToBatch(clean), TestImages.ToBatch(noisy)).data<double>().ToArray();

        for (var i = 0; i < clean.Length; i++)
        {
            var alone = ImageMetrics.Measure(TestImages.ToTensor(clean[i]), TestImages.ToTensor(noisy[i]));
            Assert.Equal(alone.Ssim, batchSsim[i], 1e-12);
            Assert.Equal(alone.Psnr, batchPsnr[i], 1e-9);
        }
    }

    [Fact]
    public void Two_three_and_four_dimensional_shapes_give_the_same_scores()
    {
        var x = TestImages.ToTensor(TestImages.Blob(12, 9));
        var y = TestImages.ToTensor(TestImages.Noisy(TestImages.Blob(12, 9), seed: 6, sigma: 0.1));

        var flat = ImageMetrics.Ssim(x, y).item<double>();
        var channel = ImageMetrics.Ssim(x.unsqueeze(0), y.unsqueeze(0)).item<double>();
        var batch = ImageMetrics.Ssim(x.reshape(1, 1, 12, 9), y.reshape(1, 1, 12, 9)).item<double>();

        Assert.Equal(flat, channel, 1e-12);
        Assert.Equal(flat, batch, 1e-12);
    }

    [Fact]
    public void Evaluate_reports_every_image_and_keeps_a_perfect_one_infinite()
    {
        var clean = new[] { TestImages.Blob(10, 10), TestImages.Blob(10, 10) };
        var noisy = new[] { clean[0], TestImages.Constant(10, 10, 0.5f) };

        var report = ImageMetrics.Evaluate(TestImages.ToBatch(clean), TestImages.ToBatch(noisy));

        Assert.Equal(2, report.Count);
        Assert.True(double.IsPositiveInfinity(report.Psnr[0]));
        Assert.Equal(1.0, report.Ssim[0], 1e-12);
        var expectedMse = clean[1].Cast<float>().Average(v => (v - 0.5) * (v - 0.5));
        Assert.Equal(expectedMse, report.Mse[1], 1e-7);
        Assert.Equal((QualityReport.PsnrCap + 10 * Math.Log10(1 / expectedMse)) / 2, report.MeanCappedPsnr, 1e-4);
    }

    [Fact]
    public void Images_of_different_shapes_are_rejected_with_both_shapes_named()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageMetrics.Mse(zeros(8, 8), zeros(8, 9)));

        Assert.Contains("8 x 8", error.Message);
        Assert.Contains("8 x 9", error.Message);
    }

    [Fact]
    public void Ssim_rejects_images_smaller_than_its_window()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageMetrics.Ssim(zeros(6, 9), zeros(6, 9)));

        Assert.Contains("7 x 7", error.Message);
    }

    [Fact]
    public void Metrics_match_scikit_image_on_images_of_several_sizes()
    {
        // Sides up to 256 take SSIM's band-matrix window means, longer ones libtorch's average pool (300 x 9).
        (int Height, int Width)[] sizes = [(28, 28), (7, 7), (13, 20), (32, 29), (300, 9)];
        using var python = new PythonReference();
        var expected = new List<(double Psnr, double Ssim, double Mse)>();
        var actual = new List<ImageQuality>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var clean = i % 2 == 0 ? TestImages.Blob(sizes[i].Height, sizes[i].Width) : TestImages.Uniform(sizes[i].Height, sizes[i].Width, seed: 20 + i);
            var noisy = TestImages.Noisy(clean, seed: 30 + i, sigma: 0.05 + 0.1 * i);
            python.Write($"ref{i}", clean);
            python.Write($"img{i}", noisy);
            actual.Add(ImageMetrics.Measure(TestImages.ToTensor(clean), TestImages.ToTensor(noisy)));
        }

        var printed = python.Run($$"""
            from skimage.metrics import peak_signal_noise_ratio, structural_similarity, mean_squared_error
            for i in range({{sizes.Length}}):
                r, m = load(f'ref{i}'), load(f'img{i}')
                print(repr(peak_signal_noise_ratio(r, m, data_range=1)), repr(structural_similarity(r, m, data_range=1)), repr(mean_squared_error(r, m)))
            """);
        var numbers = PythonReference.Numbers(printed);

        Assert.Equal(3 * sizes.Length, numbers.Length);
        for (var i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(numbers[3 * i], actual[i].Psnr, 1e-4);
            Assert.Equal(numbers[3 * i + 1], actual[i].Ssim, 1e-5);
            Assert.Equal(numbers[3 * i + 2], actual[i].Mse, 1e-8);
        }
    }

    /// <summary>
    /// SSIM from its definition: per 7×7 window, means and sample (co)variances from deviations rather than
    /// from E[x²] − E[x]², averaged over all windows that fit inside the image.
    /// </summary>
    private static double TextbookSsim(float[,] x, float[,] y)
    {
        const int window = 7;
        var total = 0.0;
        var count = 0;
        for (var top = 0; top + window <= x.GetLength(0); top++)
        {
            for (var left = 0; left + window <= x.GetLength(1); left++)
            {
                var xs = new List<double>();
                var ys = new List<double>();
                for (var r = top; r < top + window; r++)
                {
                    for (var c = left; c < left + window; c++)
                    {
                        xs.Add(x[r, c]);
                        ys.Add(y[r, c]);
                    }
                }

                var (mx, my) = (xs.Average(), ys.Average());
                var vx = xs.Sum(v => (v - mx) * (v - mx)) / (xs.Count - 1);
                var vy = ys.Sum(v => (v - my) * (v - my)) / (ys.Count - 1);
                var cxy = xs.Zip(ys, (a, b) => (a - mx) * (b - my)).Sum() / (xs.Count - 1);
                total += (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                count++;
            }
        }

        return total / count;
    }
}
