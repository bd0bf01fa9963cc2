using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Performance;

/// <summary>
/// Denoised images from a <see cref="ConvAutoencoder"/>, the same values as <c>model.call(images)</c> to float
/// tolerance but faster: no autograd, ReLU after max-pool, phase-convolution decoder; optionally the images split
/// over single-threaded workers (data parallelism instead of intra-op threads).
/// </summary>
public static class FastInference
{
    /// <summary>Below this many images the calling thread does the work: starting workers would cost more.</summary>
    private const int ParallelThreshold = 64;

    /// <summary>Images per forward call on a worker: small enough for conv1's fast path and the L2 cache.</summary>
    private const int PieceSize = 64;

    /// <summary>(N, 1, 28, 28) images in [0, 1] → (N, 1, 28, 28) outputs of the model's sigmoid, batch by batch.</summary>
    /// <param name="workers">
    /// Parallel workers with one intra-op thread each; 1 (the default) runs on the calling thread with its torch
    /// threads. Opt-in: unlike training, 2 workers were not a clear win over 2 intra-op threads (docs/performance.md).
    /// </param>
    public static Tensor Predict(ConvAutoencoder model, Tensor images, int batchSize = 256, int workers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var n = images.shape[0];
        var count = (int)Math.Min(workers, Math.Max(1, n / (ParallelThreshold / 2)));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(workers));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var fast = new FastAutoencoder(model);
        var kernels = fast.Kernels();
        if (count == 1 || n < ParallelThreshold)
            return Run(fast, kernels, images, batchSize).MoveToOuterDisposeScope();

        using var pool = new TorchWorkers(count);
        var parts = new Tensor?[count];
        pool.Run(w =>
        {
            using var workerNoGrad = no_grad();   // grad mode is per thread
            var (first, last) = (n * w / count, n * (w + 1) / count);
            // Detached from the worker's scope: the calling thread concatenates the parts before they are disposed.
            parts[w] = Run(fast, kernels, images.narrow(0, first, last - first), Math.Min(batchSize, PieceSize)).DetachFromDisposeScope();
        });
        var result = cat(parts!, 0);
        pool.Run(w => parts[w]!.Dispose());   // on the thread that made it: per-thread live counts stay balanced
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor Run(FastAutoencoder fast, DecoderKernels kernels, Tensor images, int batchSize)
    {
        using var scope = NewDisposeScope();
        var n = images.shape[0];
        var outputs = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            var batch = images.narrow(0, start, Math.Min(batchSize, n - start));
            outputs.Add(F.pixel_shuffle(fast.PhasedLogits(batch, kernels).sigmoid_(), 2));
        }
        return (outputs.Count == 1 ? outputs[0] : cat(outputs, 0)).MoveToOuterDisposeScope();
    }
}
