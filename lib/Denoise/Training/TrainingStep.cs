using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// One optimiser step of a denoiser on a batch of noisy/clean images. <see cref="For"/> picks the model's fast step
/// where it has one (<see cref="Denoiser.CreateFastForward"/>) and the plain step otherwise; both compute the same
/// gradient (the tests prove it).
/// </summary>
public abstract class TrainingStep : IDisposable
{
    /// <summary>
    /// The step for <paramref name="model"/> minimising <paramref name="loss"/>: the chunked fast step when the model has a
    /// fast forward that supports the loss and no batch statistics (<see cref="Denoiser.UsesBatchStatistics"/>), else the
    /// plain one. The optimiser must be built over the model's parameters.
    /// </summary>
    /// <param name="chunkSize">Images per chunk of the fast step (null: the model's own, <see cref="FastForward.ChunkSize"/>).</param>
    /// <param name="workers">Parallel workers of the fast step (null: torch's intra-op thread count); see <see cref="ChunkedTrainingStep"/>.</param>
    public static TrainingStep For(Denoiser model, optim.Optimizer optimizer, DenoisingLoss loss,
        int? chunkSize = null, int? workers = null)
    {
        RequireFits(model, loss);
        if (model.UsesBatchStatistics)
            return new PlainTrainingStep(model, optimizer, loss);
        var fast = model.CreateFastForward();
        if (fast is null || !fast.Supports(loss))
        {
            fast?.Dispose();
            return new PlainTrainingStep(model, optimizer, loss);
        }

        return new ChunkedTrainingStep(model, fast, optimizer, loss, chunkSize, workers);
    }

    /// <summary>
    /// Forward, backward and optimiser step on N×1×H×W batches with values in [0, 1]. Returns the batch's mean loss as a
    /// detached scalar tensor (no host sync); the caller owns it.
    /// </summary>
    public abstract Tensor Step(Tensor noisyBatch, Tensor cleanBatch);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Refuses a loss the model's outputs cannot take (BCE needs a sigmoid output), naming both and the way out: the loss
    /// of the architecture's own recipe, where a bare <see cref="TrainingOptions"/> carries the seed model's BCE.
    /// </summary>
    public static void RequireFits(Denoiser model, DenoisingLoss loss)
    {
        if (!loss.NeedsSigmoidOutput || model.HasLogits)
            return;
        var recipe = Architectures.All.FirstOrDefault(a => a.Name == model.Architecture)?.Recipe;
        var own = recipe is null || recipe.Loss.NeedsSigmoidOutput ? "" : $"{model.Architecture}'s recipe uses {recipe.Loss}; ";
        throw new InvalidTrainingOptionException(nameof(TrainingOptions.Loss),
            $"{loss} needs outputs in [0, 1] from a sigmoid, which {model.Architecture} does not have; use mse or l1 "
            + $"({own}bce is the seed model's, the default of a bare TrainingOptions)");
    }

    protected static void CheckShapes(Tensor noisyBatch, Tensor cleanBatch)
    {
        if (!noisyBatch.shape.SequenceEqual(cleanBatch.shape))
            throw new ArgumentException(
                $"noisy batch shape [{string.Join(", ", noisyBatch.shape)}] differs from clean batch shape [{string.Join(", ", cleanBatch.shape)}]");
    }
}
