using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Performance;

/// <summary>
/// One optimizer step of a <see cref="ConvAutoencoder"/> on a batch of noisy/clean images, computed faster
/// than the plain forward/backward but with the same gradient: the batch is processed in cache-sized chunks
/// whose mean losses are scaled by chunk/batch and accumulated, sigmoid+BCE is fused into BCE-with-logits,
/// max-pooling runs channels-last and the output stage as a phase convolution (see <see cref="FastAutoencoder"/>). The optimizer must be
/// built over the model's parameters; it is stepped once per call.
/// </summary>
public sealed class FastTrainingStep : IDisposable
{
    /// <summary>Images per chunk; 32 keeps every activation of a chunk in the L2 cache.</summary>
    public const int DefaultChunkSize = 32;

    private readonly ConvAutoencoder model;
    private readonly optim.Optimizer optimizer;
    private readonly FastAutoencoder fast;
    private readonly int chunkSize;
    private readonly TorchWorkers? workers;

    /// <param name="workers">
    /// Threads that process the chunks in parallel, one intra-op thread each; null = torch's intra-op thread count
    /// on the calling thread. 1 runs the chunks on the calling thread with its own intra-op settings.
    /// </param>
    public FastTrainingStep(ConvAutoencoder model, optim.Optimizer optimizer, int chunkSize = DefaultChunkSize, int? workers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var count = workers ?? torch.get_num_threads();
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(workers));
        this.model = model;
        this.optimizer = optimizer;
        this.chunkSize = chunkSize;
        fast = new FastAutoencoder(model);
        this.workers = count > 1 ? new TorchWorkers(count) : null;
    }

    /// <summary>
    /// Forward, backward and optimizer step on (N, 1, 28, 28) batches with values in [0, 1].
    /// Returns the batch's mean binary cross-entropy as a detached scalar tensor (no host sync);
    /// the caller owns it.
    /// </summary>
    public Tensor Step(Tensor noisyBatch, Tensor cleanBatch)
    {
        if (!noisyBatch.shape.SequenceEqual(cleanBatch.shape))
            throw new ArgumentException(
                $"noisy batch shape [{string.Join(", ", noisyBatch.shape)}] differs from clean batch shape [{string.Join(", ", cleanBatch.shape)}]");
        model.train();
        optimizer.zero_grad();
        using var scope = NewDisposeScope();
        var n = noisyBatch.shape[0];

        // The phase kernels are computed once per batch; the chunks accumulate gradients into detached
        // copies, and one backward at the end carries them to the 3×3 weights (the map is linear).
        var kernels = fast.Kernels();
        var leaves = new DecoderKernels(kernels.Output.detach().requires_grad_(), kernels.OutputBias.detach().requires_grad_());

        if (workers is not null)
            return ParallelStep(noisyBatch, cleanBatch, kernels, leaves).MoveToOuterDisposeScope();

        var total = zeros(1, dtype: noisyBatch.dtype);
        for (long start = 0; start < n; start += chunkSize)
        {
            using var chunkScope = NewDisposeScope();
            var length = Math.Min(chunkSize, n - start);
            var logits = fast.PhasedLogits(noisyBatch.narrow(0, start, length), leaves);
            var target = F.pixel_unshuffle(cleanBatch.narrow(0, start, length), 2);
            var loss = F.binary_cross_entropy_with_logits(logits, target).mul_((double)length / n);
            loss.backward();
            total.add_(loss.detach());
        }

        autograd.backward(kernels.All.ToList(), leaves.All.Select(l => l.grad!).ToList());
        optimizer.step();
        return total.squeeze().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The chunks split into one contiguous run per worker; each worker returns its chunks' summed gradients
    /// (autograd.grad, so no worker writes into shared .grad), and the sums are added in worker order:
    /// deterministic, and the batch's gradient to float rounding.
    /// </summary>
    private Tensor ParallelStep(Tensor noisyBatch, Tensor cleanBatch, DecoderKernels kernels, DecoderKernels leaves)
    {
        var n = noisyBatch.shape[0];
        var chunks = (int)((n + chunkSize - 1) / chunkSize);
        var inputs = fast.TrunkParameters.Concat(leaves.All).ToList();
        var results = new (Tensor Loss, Tensor[] Grads)?[workers!.Count];
        workers.Run(w =>
        {
            var (first, last) = (chunks * w / workers.Count, chunks * (w + 1) / workers.Count);
            if (first == last)
                return;
            using var scope = NewDisposeScope();
            Tensor? loss = null;
            Tensor[]? sums = null;
            for (var c = first; c < last; c++)
            {
                using var chunkScope = NewDisposeScope();
                var start = (long)c * chunkSize;
                var length = Math.Min(chunkSize, n - start);
                var logits = fast.PhasedLogits(noisyBatch.narrow(0, start, length), leaves);
                var target = F.pixel_unshuffle(cleanBatch.narrow(0, start, length), 2);
                var chunkLoss = F.binary_cross_entropy_with_logits(logits, target).mul_((double)length / n);
                var grads = autograd.grad([chunkLoss], inputs);
                if (sums is null)
                {
                    sums = grads.Select(g => g.MoveToOuterDisposeScope()).ToArray();
                    loss = chunkLoss.detach().MoveToOuterDisposeScope();
                }
                else
                {
                    for (var i = 0; i < sums.Length; i++)
                        sums[i].add_(grads[i]);
                    loss!.add_(chunkLoss.detach());
                }
            }
            // The worker's scope must not dispose what the calling thread sums next.
            results[w] = (loss!.DetachFromDisposeScope(), sums!.Select(g => g.DetachFromDisposeScope()).ToArray());
        });

        var parts = results.OfType<(Tensor Loss, Tensor[] Grads)>().ToList();
        var total = parts[0].Loss.clone();
        var grads = parts[0].Grads.Select(g => g.clone()).ToArray();
        foreach (var part in parts.Skip(1))
        {
            total.add_(part.Loss);
            for (var i = 0; i < grads.Length; i++)
                grads[i].add_(part.Grads[i]);
        }
        // Each worker disposes what it created, so that TorchSharp's per-thread live-tensor counts stay balanced.
        workers.Run(w =>
        {
            if (results[w] is not { } part)
                return;
            part.Loss.Dispose();
            foreach (var g in part.Grads)
                g.Dispose();
        });

        // Leaf parameters take their gradient through backward like any other root, so the optimizer sees .grad.
        autograd.backward([.. fast.TrunkParameters, .. kernels.All], grads);
        optimizer.step();
        return total.squeeze();
    }

    public void Dispose()
    {
        workers?.Dispose();
        fast.Dispose();
    }
}
