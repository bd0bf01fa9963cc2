using Denoise.Metrics;

namespace Denoise.Tests.Metrics;

public sealed class QualityReportTests
{
    [Fact]
    public void Means_are_the_averages_of_the_per_image_values()
    {
        var report = new QualityReport([0.01, 0.001], [20, 30], [0.5, 0.9]);

        Assert.Equal(0.0055, report.MeanMse, 1e-12);
        Assert.Equal(25, report.MeanPsnr, 1e-12);
        Assert.Equal(25, report.MeanCappedPsnr, 1e-12);
        Assert.Equal(0.7, report.MeanSsim, 1e-12);
        Assert.Equal(new ImageQuality(0.001, 30, 0.9), report[1]);
    }

    [Fact]
    public void A_perfect_image_makes_the_mean_psnr_infinite_but_the_capped_mean_finite()
    {
        var report = new QualityReport([0.0, 0.01], [double.PositiveInfinity, 20], [1.0, 0.5]);

        Assert.True(double.IsPositiveInfinity(report.MeanPsnr));
        Assert.Equal((QualityReport.PsnrCap + 20) / 2, report.MeanCappedPsnr, 1e-12);
    }

    [Fact]
    public void Worst_and_best_list_image_indices_by_ssim()
    {
        var report = new QualityReport([0, 0, 0, 0], [1, 1, 1, 1], [0.7, 0.2, 0.9, 0.4]);

        Assert.Equal([1, 3], report.WorstBySsim(2));
        Assert.Equal([2, 0, 3], report.BestBySsim(3));
    }

    [Fact]
    public void Per_image_lists_of_different_lengths_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new QualityReport([0.1, 0.2], [10], [0.5, 0.6]));

        Assert.Contains("1 PSNR", error.Message);
    }
}
