using Denoise.Data;
using static TorchSharp.torch;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class DataStatsTests
{
    [Fact]
    public void Class_counts_count_each_label_and_include_empty_classes()
    {
        using var labels = tensor(new long[] { 0, 2, 2, 9, 2 });

        var counts = DataStats.ClassCounts(labels);

        Assert.Equal(new long[] { 1, 0, 3, 0, 0, 0, 0, 0, 0, 1 }, counts);
    }

    [Fact]
    public void Mean_per_class_averages_the_images_of_each_class()
    {
        using var images = tensor(new float[] { 0.2f, 0.4f, 1.0f, 0.6f }).reshape(4, 1, 1, 1);
        using var labels = tensor(new long[] { 1, 1, 0, 1 });

        using var means = DataStats.MeanPerClass(images, labels, classes: 3);

        Assert.Equal(new long[] { 3, 1, 1, 1 }, means.shape);
        var values = means.data<float>().ToArray();
        // float32 means of a few values in [0, 1]: within a few ulps (1e-7); 5 decimals.
        Assert.Equal(1.0f, values[0], 5);
        Assert.Equal(0.4f, values[1], 5); // (0.2 + 0.4 + 0.6) / 3
        Assert.Equal(0.0f, values[2], 5); // no images of class 2
    }

    [Fact]
    public void Pixel_histogram_fractions_sum_to_one_and_fall_in_the_right_bins()
    {
        using var images = tensor(new float[] { 0f, 0f, 0.3f, 1f });

        var histogram = DataStats.PixelHistogram(images, bins: 4);

        Assert.Equal(new[] { 0.125, 0.375, 0.625, 0.875 }, histogram.BinCenters);
        Assert.Equal(new[] { 0.5, 0.25, 0.0, 0.25 }, histogram.Fractions);
    }

    [Fact]
    public void Sample_indices_are_distinct_in_range_and_reproducible_for_a_seed()
    {
        var first = DataStats.SampleIndices(100, 10, seed: 7);
        var again = DataStats.SampleIndices(100, 10, seed: 7);
        var other = DataStats.SampleIndices(100, 10, seed: 8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(10, first.Distinct().Count());
        Assert.All(first, i => Assert.InRange(i, 0, 99));
    }

    [Fact]
    public void Sample_indices_depend_on_all_64_bits_of_the_seed()
    {
        var low = DataStats.SampleIndices(1000, 20, seed: 41);
        var high = DataStats.SampleIndices(1000, 20, seed: 41 + (1L << 32));

        Assert.NotEqual(low, high);
    }

    [Fact]
    public void Summary_reports_count_shape_and_pixel_range()
    {
        using var set = new DigitSet("tiny", tensor(new float[] { 0f, 0.5f, 1f, 0.5f }).reshape(2, 1, 1, 2), tensor(new long[] { 3, 4 }));

        var summary = DataStats.Summarize(set);

        Assert.Equal(2, summary.Count);
        Assert.Equal("2 x 1 x 1 x 2", summary.Shape);
        Assert.Equal(0f, summary.Min);
        Assert.Equal(1f, summary.Max);
        Assert.Equal(0.5f, summary.Mean, 5);   // a float32 mean of four pixels: within an ulp
        Assert.Equal(2, summary.Classes);
    }
}
