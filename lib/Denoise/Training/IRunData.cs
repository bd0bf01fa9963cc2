using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// What a run trains and validates on: the batches a run with given options draws, and fixed validation pairs.
/// <see cref="TrainingData"/> holds digit pairs; <see cref="PhotoTrainingData"/> holds photos to cut patches from.
/// <see cref="RunData.Load"/> loads the one a run's options name. Disposing it frees what it holds.
/// </summary>
public interface IRunData : IDisposable
{
    /// <summary>The batches of a run with <paramref name="options"/> (its seed, batch size, noise); the caller disposes the source if it is disposable.</summary>
    IBatchSource Batches(TrainingOptions options);

    /// <summary>Noisy validation inputs, N x 1 x H x W float32 in [0, 1].</summary>
    Tensor NoisyValidation { get; }

    /// <summary>Their clean targets.</summary>
    Tensor CleanValidation { get; }
}
