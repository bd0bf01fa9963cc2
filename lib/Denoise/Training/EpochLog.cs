namespace Denoise.Training;

/// <summary>Writes one line per finished epoch (for logs, pipes and notebooks); batches are not reported.</summary>
/// <remarks>Reports on the training thread, in order: <see cref="Progress{T}"/> would post them to the thread pool.</remarks>
public sealed class EpochLog(TextWriter writer) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Completed is { } record)
            writer.WriteLine(record.Describe(value.Epochs));
    }
}
