using Denoise.Models;
using Denoise.Tensors;
using TorchSharp;
using static Denoise.Tensors.Scalars;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// The fast step: a model's <see cref="FastForward"/> run over cache-sized chunks of the batch, each chunk's mean loss
/// scaled by chunk/batch so that the summed gradients are the batch's. With more than one worker the chunks are split
/// over single-threaded torch workers (data parallelism instead of libtorch's intra-op threads, which spend much of
/// their time at barriers on chunk-sized tensors); each worker sums its chunks' gradients and the sums are added in
/// worker order, so a run is deterministic. The optimiser is stepped once per call. A model with batch statistics
/// (BatchNorm) is refused: its chunks would be normalised with their own statistics, not the batch's, and the workers
/// would update its running statistics at the same time (<see cref="Denoiser.UsesBatchStatistics"/>).
/// </summary>
public sealed class ChunkedTrainingStep : TrainingStep
{
    private readonly FastForward fast;
    private readonly DenoisingLoss loss;
    private readonly int chunkSize;
    private readonly TorchWorkers? workers;

    /// <param name="model">A model with a fast forward (<see cref="Denoiser.CreateFastForward"/>) that supports <paramref name="loss"/>.</param>
    /// <param name="chunkSize">Images per chunk (null: the fast forward's own <see cref="FastForward.ChunkSize"/>).</param>
    /// <param name="workers">
    /// Threads that process the chunks in parallel, one intra-op thread each; null = torch's intra-op thread count
    /// on the calling thread. 1 runs the chunks on the calling thread with its own intra-op settings.
    /// </param>
    /// <param name="precision">fp32, or bf16: the chunks run the fast forward of a bf16 copy of the model (<see cref="TrainingStep"/>).</param>
    public ChunkedTrainingStep(Denoiser model, optim.Optimizer optimizer, DenoisingLoss loss,
        int? chunkSize = null, int? workers = null, Precision precision = Precision.Float32)
        : base(model, optimizer, precision)
    {
        var count = workers ?? torch.get_num_threads();
        // The fast forward of the network that computes: the model, or its bf16 copy.
        var made = Network.CreateFastForward();
        try
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(workers));
            if (model.UsesBatchStatistics)
                throw new ArgumentException($"{model.Architecture} normalises with batch statistics (BatchNorm): in chunks each would get its own "
                    + "statistics, not the batch's, and parallel workers would update the running statistics at once; use the plain step "
                    + "(TrainingStep.For picks it)", nameof(model));
            fast = made ?? throw new ArgumentException($"{model.Architecture} has no fast forward; use the plain step", nameof(model));
            ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize ?? fast.ChunkSize, 1, nameof(chunkSize));
            if (!fast.Supports(loss))
                throw new ArgumentException($"the fast path of {model.Architecture} cannot compute the {loss} loss; use the plain step", nameof(loss));
        }
        catch
        {
            made?.Dispose();
            base.Dispose();
            throw;
        }

        this.loss = loss;
        this.chunkSize = chunkSize ?? fast.ChunkSize;
        this.workers = count > 1 ? new TorchWorkers(count) : null;
    }

    protected override Tensor Gradients(Tensor noisyBatch, Tensor cleanBatch)
    {
        var n = noisyBatch.shape[0];
        var chunks = (int)((n + chunkSize - 1) / chunkSize);

        // Derived tensors are computed once per batch; the chunks differentiate with respect to detached copies, and
        // one backward at the end carries the summed gradients to the parameters they came from.
        var prepared = fast.Prepare();
        var leaves = prepared.Select(t => t.detach().requires_grad_()).ToList();
        var inputs = fast.DirectParameters.Concat(leaves).ToList();

        var byWorker = workers is null ? null : OnWorkers(noisyBatch, cleanBatch, leaves, inputs, chunks);
        var parts = byWorker?.OfType<(Tensor Loss, Tensor[] Grads)>().ToList()
            ?? [SumOfChunks(noisyBatch, cleanBatch, leaves, inputs, 0, chunks)];
        var total = parts[0].Loss.clone();
        var grads = parts[0].Grads.Select(g => g.clone()).ToArray();
        foreach (var part in parts.Skip(1))
        {
            total.add_(part.Loss, One);
            for (var i = 0; i < grads.Length; i++)
                grads[i].add_(part.Grads[i], One);
        }
        if (byWorker is not null)
            DisposeOnWorkers(byWorker);

        // Parameters take their gradient through backward like any other root, so the optimiser sees .grad.
        autograd.backward([.. fast.DirectParameters, .. prepared], grads);
        return total.squeeze();
    }

    /// <summary>The summed loss and gradients of chunks [first, last), in the caller's dispose scope.</summary>
    private (Tensor Loss, Tensor[] Grads) SumOfChunks(Tensor noisyBatch, Tensor cleanBatch, IReadOnlyList<Tensor> leaves,
        IList<Tensor> inputs, int first, int last)
    {
        var n = noisyBatch.shape[0];
        Tensor? total = null;
        Tensor[]? sums = null;
        for (var c = first; c < last; c++)
        {
            using var chunkScope = NewDisposeScope();
            var start = (long)c * chunkSize;
            var length = Math.Min(chunkSize, n - start);
            using var share = ((double)length / n).ToScalar();
            var chunkLoss = fast.Loss(noisyBatch.narrow(0, start, length), cleanBatch.narrow(0, start, length), leaves, loss)
                .mul_(share);
            var grads = autograd.grad([chunkLoss], inputs);
            if (sums is null)
            {
                // A bf16 network's gradients are summed in fp32: bf16's 8 bits would lose the later chunks' small terms.
                sums = grads.Select(g => (g.dtype == ScalarType.BFloat16 ? g.to_type(ScalarType.Float32) : g).MoveToOuterDisposeScope()).ToArray();
                total = chunkLoss.detach().MoveToOuterDisposeScope();
            }
            else
            {
                for (var i = 0; i < sums.Length; i++)
                    sums[i].add_(grads[i], One);
                total!.add_(chunkLoss.detach(), One);
            }
        }
        return (total!, sums!);
    }

    /// <summary>
    /// The chunks split into one contiguous run per worker; each worker's sums come back detached from its scope
    /// (null for a worker without chunks).
    /// </summary>
    private (Tensor Loss, Tensor[] Grads)?[] OnWorkers(Tensor noisyBatch, Tensor cleanBatch, IReadOnlyList<Tensor> leaves,
        IList<Tensor> inputs, int chunks)
    {
        var results = new (Tensor Loss, Tensor[] Grads)?[workers!.Count];
        workers.Run(w =>
        {
            var (first, last) = (chunks * w / workers.Count, chunks * (w + 1) / workers.Count);
            if (first == last)
                return;
            using var scope = NewDisposeScope();
            var (sumLoss, sumGrads) = SumOfChunks(noisyBatch, cleanBatch, leaves, inputs, first, last);
            // The worker's scope must not dispose what the calling thread sums next.
            results[w] = (sumLoss.DetachFromDisposeScope(), sumGrads.Select(g => g.DetachFromDisposeScope()).ToArray());
        });
        return results;
    }

    /// <summary>Each worker disposes what it created, so that TorchSharp's per-thread live-tensor counts stay balanced.</summary>
    private void DisposeOnWorkers((Tensor Loss, Tensor[] Grads)?[] byWorker) =>
        workers!.Run(w =>
        {
            if (byWorker[w] is not { } part)
                return;
            part.Loss.Dispose();
            foreach (var g in part.Grads)
                g.Dispose();
        });

    public override void Dispose()
    {
        workers?.Dispose();
        fast.Dispose();
        base.Dispose();
    }
}
