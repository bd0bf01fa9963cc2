namespace Denoise.Training;

/// <summary>
/// Where training is: batch <see cref="Batch"/> of <see cref="Batches"/> in epoch <see cref="Epoch"/> of <see cref="Epochs"/>.
/// At the end of an epoch <see cref="Completed"/> carries its record (reported once, after the checkpoint is written).
/// </summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, EpochRecord? Completed = null);
