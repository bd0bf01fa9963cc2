using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// TorchSharp's Adam (<see cref="TorchSharp.Modules.Adam"/>: the same update, state, learning rate groups and saved
/// state) with a step that holds the scalars it hands libtorch. TorchSharp's own step makes each of them for one call
/// (<c>exp_avg.mul_(beta1)</c>), and the finalizer thread can free such a scalar while libtorch reads it
/// (<see cref="Scalars"/>). Without weight decay, AMSGrad or maximising, which the recipes do not use. It has
/// TorchSharp's class name because TorchSharp's saved optimiser state starts with it: checkpoints written by either
/// load into the other.
/// </summary>
public sealed class Adam(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate, double beta1, double beta2, double epsilon)
    : TorchSharp.Modules.Adam(parameters, learningRate, beta1, beta2, epsilon)
{
    /// <summary>Adam with the learning rate, betas and epsilon of <paramref name="options"/>.</summary>
    public static Adam For(IEnumerable<TorchSharp.Modules.Parameter> parameters, TrainingOptions options) =>
        new(parameters, options.LearningRate, options.Beta1, options.Beta2, options.Epsilon);

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (beta1, beta2) = (options.beta1!.Value, options.beta2!.Value);
        using Scalar keep1 = beta1.ToScalar(), keep2 = beta2.ToScalar(), take1 = (1 - beta1).ToScalar(),
            take2 = (1 - beta2).ToScalar(), epsilon = options.eps!.Value.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } grad)
                continue;
            var state = (State)_state[parameter.Handle];
            state.step += 1;
            var correction1 = 1 - Math.Pow(beta1, state.step);
            var correction2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(keep1).add_(grad, take1);
            state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, take2);
            using Scalar root = Math.Sqrt(correction2).ToScalar(), size = (-options.LearningRate!.Value / correction1).ToScalar();
            using var denominator = state.exp_avg_sq.sqrt().div_(root).add_(epsilon, Scalars.One);
            parameter.addcdiv_(state.exp_avg, denominator, size);
        }
    }, closure);
}
