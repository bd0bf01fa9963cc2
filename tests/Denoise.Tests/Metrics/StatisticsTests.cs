using Denoise.Metrics;

namespace Denoise.Tests.Metrics;

public sealed class StatisticsTests
{
    [Fact]
    public void The_median_of_an_odd_count_is_the_middle_value_of_the_sorted_ones() =>
        Assert.Equal(3.0, Statistics.Median([5.0, 1.0, 3.0, 9.0, 2.0]));

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_two_middle_values() =>
        Assert.Equal(2.5, Statistics.Median([4.0, 1.0, 2.0, 3.0]));

    [Fact]
    public void The_median_of_no_values_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Statistics.Median([]));
        Assert.StartsWith("the median of no values is undefined", error.Message);
    }
}
