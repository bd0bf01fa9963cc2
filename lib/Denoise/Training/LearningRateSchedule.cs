namespace Denoise.Training;

/// <summary>How the learning rate moves over a run (see <see cref="TrainingOptions.LearningRateAt"/>).</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate for every step (Keras' default, the seed recipe).</summary>
    Constant,

    /// <summary>Half a cosine from the rate down to zero over all the run's steps (Loshchilov and Hutter's SGDR without restarts).</summary>
    Cosine,
}
