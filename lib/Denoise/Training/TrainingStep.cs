using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// One optimiser step of a denoiser on a batch of noisy/clean images. <see cref="For"/> picks the model's fast step
/// where it has one (<see cref="Denoiser.CreateFastForward"/>) and the plain step otherwise; both compute the same
/// gradient (the tests prove it). In bf16 the step's arithmetic runs on a <see cref="BFloat16Copy"/> of the model, whose
/// gradients come back to the model's fp32 weights before the optimiser steps them.
/// </summary>
public abstract class TrainingStep : IDisposable
{
    private readonly Denoiser model;
    private readonly optim.Optimizer optimizer;
    private readonly BFloat16Copy? copy;

    /// <param name="precision">fp32, or bf16 (mixed precision); auto must be resolved first (<see cref="PrecisionProbe"/>).</param>
    protected TrainingStep(Denoiser model, optim.Optimizer optimizer, Precision precision)
    {
        this.model = model;
        this.optimizer = optimizer;
        copy = precision switch
        {
            Precision.Float32 => null,
            Precision.BFloat16 => Architectures.CreateBFloat16Copy(model),
            _ => throw new ArgumentException($"a step runs in fp32 or bf16; resolve {Precisions.Name(precision)} first (PrecisionProbe)", nameof(precision)),
        };
    }

    /// <summary>
    /// The step for <paramref name="model"/> minimising <paramref name="loss"/>: the chunked fast step when the model has a
    /// fast forward that supports the loss and no batch statistics (<see cref="Denoiser.UsesBatchStatistics"/>), else the
    /// plain one. The optimiser must be built over the model's parameters.
    /// </summary>
    /// <param name="chunkSize">Images per chunk of the fast step (null: the model's own, <see cref="FastForward.ChunkSize"/>).</param>
    /// <param name="workers">Parallel workers of the fast step (null: torch's intra-op thread count); see <see cref="ChunkedTrainingStep"/>.</param>
    /// <param name="precision">fp32 or bf16 (mixed precision: the model and the optimiser stay fp32).</param>
    public static TrainingStep For(Denoiser model, optim.Optimizer optimizer, DenoisingLoss loss,
        int? chunkSize = null, int? workers = null, Precision precision = Precision.Float32)
    {
        RequireFits(model, loss);
        if (model.UsesBatchStatistics)
            return new PlainTrainingStep(model, optimizer, loss, precision);
        using var fast = model.CreateFastForward();
        return fast is null || !fast.Supports(loss)
            ? new PlainTrainingStep(model, optimizer, loss, precision)
            : new ChunkedTrainingStep(model, optimizer, loss, chunkSize, workers, precision);
    }

    /// <summary>The precision the step computes in.</summary>
    public Precision Precision => copy is null ? Precision.Float32 : Precision.BFloat16;

    /// <summary>The network whose forward runs: the model itself, or in bf16 its copy.</summary>
    protected Denoiser Network => copy?.Network ?? model;

    /// <summary>
    /// Forward, backward and optimiser step on N×1×H×W batches with values in [0, 1]. Returns the batch's mean loss as a
    /// detached scalar tensor (no host sync); the caller owns it.
    /// </summary>
    public Tensor Step(Tensor noisyBatch, Tensor cleanBatch)
    {
        CheckShapes(noisyBatch, cleanBatch);
        model.train();
        optimizer.zero_grad();
        using var scope = NewDisposeScope();
        copy?.LoadFromMaster();
        Network.train();
        // Inputs are cast once per batch (bf16 for the copy); the clean targets stay fp32, and so do the losses.
        var loss = Gradients(noisyBatch.to_type(Network.InputType), cleanBatch);
        copy?.StoreInMaster();
        optimizer.step();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The batch's mean loss as a detached scalar, leaving its gradient in the <see cref="Network"/>'s parameters
    /// (added to what they hold: the step cleared them).
    /// </summary>
    protected abstract Tensor Gradients(Tensor noisyBatch, Tensor cleanBatch);

    public virtual void Dispose()
    {
        copy?.Dispose();
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

    private static void CheckShapes(Tensor noisyBatch, Tensor cleanBatch)
    {
        if (!noisyBatch.shape.SequenceEqual(cleanBatch.shape))
            throw new ArgumentException(
                $"noisy batch shape [{string.Join(", ", noisyBatch.shape)}] differs from clean batch shape [{string.Join(", ", cleanBatch.shape)}]");
    }
}
