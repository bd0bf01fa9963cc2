using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// The step any model can take and the reference the fast steps are tested against: the model's forward on the whole
/// batch, the loss, backward, one optimiser step.
/// </summary>
public sealed class PlainTrainingStep(Denoiser model, optim.Optimizer optimizer, DenoisingLoss loss) : TrainingStep
{
    public override Tensor Step(Tensor noisyBatch, Tensor cleanBatch)
    {
        CheckShapes(noisyBatch, cleanBatch);
        model.train();
        optimizer.zero_grad();
        using var scope = NewDisposeScope();
        var value = loss.Of(model, noisyBatch, cleanBatch);
        value.backward();
        optimizer.step();
        return value.detach().MoveToOuterDisposeScope();
    }
}
