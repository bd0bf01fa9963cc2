using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// The pairs to train on: noisy inputs and their clean targets, N×1×28×28 float32 in [0, 1],
/// for training and for validation. Disposing it disposes the four tensors.
/// </summary>
public sealed record TrainingData(Tensor NoisyTrain, Tensor CleanTrain, Tensor NoisyValidation, Tensor CleanValidation) : IDisposable
{
    public void Dispose()
    {
        NoisyTrain.Dispose();
        CleanTrain.Dispose();
        NoisyValidation.Dispose();
        CleanValidation.Dispose();
    }
}
