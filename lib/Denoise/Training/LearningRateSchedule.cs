namespace Denoise.Training;

/// <summary>How the learning rate moves over a run (see <see cref="TrainingOptions.LearningRateAt"/>).</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate for every step (Keras' default, the seed recipe).</summary>
    Constant,

    /// <summary>
    /// A linear warm-up from a tenth of the rate to the full rate over the first 3 % of the steps, then half a cosine
    /// down to zero at the last step (Loshchilov and Hutter's SGDR without restarts). The warm-up keeps the first large
    /// steps from switching ReLUs off for good in a freshly initialised network.
    /// </summary>
    Cosine,
}
