using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// How closely a model's fast path agrees with its plain <c>forward</c> on one batch: outputs, loss and gradients,
/// each as the largest absolute difference (in float32, so differences of order 1e-6 are rounding). What trains is
/// the fast path; this is the evidence, shown where the model is taught.
/// </summary>
public sealed record FastPathAgreement(string Architecture, long Images, double MaxOutputDifference, double LossDifference, double MaxGradientDifference, double MaxGradient)
{
    /// <summary>Runs <paramref name="model"/> both ways on <paramref name="noisy"/>/<paramref name="clean"/>; null when it has no fast path.</summary>
    public static FastPathAgreement? Measure(Denoiser model, Tensor noisy, Tensor clean, DenoisingLoss loss)
    {
        using var fast = model.CreateFastForward();
        if (fast is null)
            return null;
        using var scope = NewDisposeScope();
        var wasTraining = model.training;
        var parameters = model.parameters().Cast<Tensor>().ToList();

        model.eval();
        double outputDifference;
        using (no_grad())
            outputDifference = (model.call(noisy) - fast.Predict(noisy, fast.Prepare())).abs().max().item<float>();

        model.train();
        var plainLoss = loss.Of(model, noisy, clean);
        var plainGrads = autograd.grad([plainLoss], parameters);
        // The fast step with a learning rate of 0 leaves the weights alone and its gradients in .grad.
        using var frozen = Adam.For(model.parameters(), new TrainingOptions { LearningRate = 0 });
        using var step = TrainingStep.For(model, frozen, loss);
        var fastLoss = step.Step(noisy, clean);
        var gradientDifference = plainGrads.Zip(parameters, (g, p) => (g - p.grad!).abs().max().item<float>()).Max();
        var largest = plainGrads.Max(g => g.abs().max().item<float>());
        frozen.zero_grad();
        model.train(wasTraining);

        return new FastPathAgreement(model.Architecture, noisy.shape[0], outputDifference,
            Math.Abs(plainLoss.item<float>() - fastLoss.item<float>()), gradientDifference, largest);
    }
}
