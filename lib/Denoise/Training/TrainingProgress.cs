namespace Denoise.Training;

/// <summary>
/// Where training is: batch <see cref="Batch"/> of <see cref="Batches"/> in epoch <see cref="Epoch"/> of <see cref="Epochs"/>.
/// At the end of an epoch <see cref="Completed"/> carries its record (reported once, after the checkpoint is written).
/// </summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, EpochRecord? Completed = null)
{
    /// <summary>The mean training loss per image over this epoch's batches so far (the epoch's loss once it is complete).</summary>
    public double RunningLoss { get; init; } = double.NaN;

    /// <summary>The time since this epoch began (at the end of an epoch, validation included).</summary>
    public TimeSpan Elapsed { get; init; }
}
