namespace Denoise.Training;

/// <summary>
/// What a checkpoint file holds besides the weights and the Adam state: the options of the run and the epochs
/// completed. Read it with <see cref="Trainer.ReadCheckpoint"/>; resume with <see cref="Trainer.Resume"/>.
/// </summary>
public sealed record TrainingCheckpoint(string Architecture, TrainingOptions Options, IReadOnlyList<EpochRecord> History)
{
    public int CompletedEpochs => History.Count;
}
