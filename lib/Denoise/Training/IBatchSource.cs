using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// Where a training run draws its batches from: a fixed number of batches per epoch, each a pair of noisy inputs and
/// clean targets that depends only on the run's settings and on (epoch, batch), so that a resumed run draws exactly the
/// batches the uninterrupted run would have drawn. <see cref="PhotoPatches"/> is one; <see cref="DigitBatches"/>, the
/// digit sets shuffled per epoch with fresh or fixed noise, is the other. <see cref="Trainer"/> draws from either.
/// </summary>
public interface IBatchSource
{
    /// <summary>Batches in one epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Images in one epoch, over all its batches.</summary>
    long ImagesPerEpoch { get; }

    /// <summary>
    /// Batch <paramref name="batch"/> (0-based) of epoch <paramref name="epoch"/> (1-based): new float32 tensors
    /// N x C x H x W, in the caller's dispose scope.
    /// </summary>
    (Tensor Noisy, Tensor Clean) Batch(int epoch, int batch);
}
