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

    /// <summary>The minutes of training when each epoch ended (validation included), for quality-over-time curves.</summary>
    public IReadOnlyList<double> Minutes
    {
        get
        {
            var elapsed = 0.0;
            return [.. records.Select(r => (elapsed += r.Seconds) / 60)];
        }
    }

    /// <summary>The validation PSNR after each epoch (NaN for epochs trained without <see cref="TrainingOptions.QualityImages"/>).</summary>
    public IReadOnlyList<double> ValPsnrs => [.. records.Select(r => r.ValPsnr ?? double.NaN)];

    /// <summary>The validation SSIM after each epoch (NaN for epochs trained without <see cref="TrainingOptions.QualityImages"/>).</summary>
    public IReadOnlyList<double> ValSsims => [.. records.Select(r => r.ValSsim ?? double.NaN)];

    public IEnumerator<EpochRecord> GetEnumerator() => records.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(EpochRecord record) => records.Add(record);
}
