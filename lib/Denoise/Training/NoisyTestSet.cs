using Denoise.Data;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>A test split and its noisy copy; <see cref="TrainingData.LoadTest"/> makes one. Disposing it disposes both.</summary>
public sealed record NoisyTestSet(DigitSet Clean, Tensor Noisy) : IDisposable
{
    public int Count => Clean.Count;

    public void Dispose()
    {
        Clean.Dispose();
        Noisy.Dispose();
    }
}
