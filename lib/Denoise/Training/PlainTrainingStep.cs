using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// The step any model can take and the reference the fast steps are tested against: the model's forward on the whole
/// batch, the loss, backward, one optimiser step.
/// </summary>
/// <param name="precision">fp32, or bf16: the forward and backward on a bf16 copy of the model (<see cref="TrainingStep"/>).</param>
public sealed class PlainTrainingStep(Denoiser model, optim.Optimizer optimizer, DenoisingLoss loss, Precision precision = Precision.Float32)
    : TrainingStep(model, optimizer, precision)
{
    protected override Tensor Gradients(Tensor noisyBatch, Tensor cleanBatch)
    {
        var value = loss.Of(Network, noisyBatch, cleanBatch);
        value.backward();
        return value.detach();
    }
}
