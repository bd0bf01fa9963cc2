using System.Collections;

namespace Denoise.Training;

/// <summary>The epochs trained so far, in order, with the numbers a curve or a report needs.</summary>
public sealed class TrainingHistory : IReadOnlyList<EpochRecord>
{
    private readonly List<EpochRecord> records;

    public TrainingHistory(IEnumerable<EpochRecord>? records = null)
    {
        this.records = [.. records ?? []];
    }

    public int Count => records.Count;

    public EpochRecord this[int index] => records[index];

    /// <summary>The most recent epoch, or null before the first one.</summary>
    public EpochRecord? Last => records.Count == 0 ? null : records[^1];

    /// <summary>The epoch with the lowest validation loss, or null before the first one.</summary>
    public EpochRecord? Best => records.Count == 0 ? null : records.MinBy(r => r.ValLoss);

    public IReadOnlyList<double> Losses => [.. records.Select(r => r.Loss)];

    public IReadOnlyList<double> ValLosses => [.. records.Select(r => r.ValLoss)];

    public double TotalSeconds => records.Sum(r => r.Seconds);

    public IEnumerator<EpochRecord> GetEnumerator() => records.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(EpochRecord record) => records.Add(record);
}
