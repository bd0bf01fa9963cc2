namespace Denoise.Metrics;

/// <summary>Summary statistics of repeated measurements (the bench's timings, a time budget's probe rounds).</summary>
public static class Statistics
{
    /// <summary>The middle value (the mean of the two middle ones for an even count); the values need not be sorted.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
            throw new ArgumentException("the median of no values is undefined", nameof(values));
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
