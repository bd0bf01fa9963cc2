using Denoise.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Denoise.Models;

/// <summary>
/// Weight initialisations the architectures share, each drawn from the caller's generator (never the global one), so a
/// model's weights depend on its seed alone. <see cref="PyTorchDefaults"/> does a whole network of the usual layers.
/// </summary>
public static class Initialization
{
    /// <summary>
    /// Keras' default for Conv2D: kernels uniform in ±√(6 / (fan_in + fan_out)) with fans = channels × kernel area
    /// (Glorot-uniform), biases zero.
    /// </summary>
    public static void GlorotUniform(Conv2d conv, torch.Generator generator) => Glorot(conv, generator);

    /// <summary>Keras' default for Dense: weights uniform in ±√(6 / (inputs + outputs)), biases zero.</summary>
    public static void GlorotUniform(Linear dense, torch.Generator generator) => Glorot(dense, generator);

    /// <summary>
    /// PyTorch's default for one layer. Convolutions (transposed too) and Linear: kaiming_uniform with a = √5, i.e.
    /// weights and biases uniform in ±1/√fan_in, where fan_in is the weight's second dimension times the kernel area, as
    /// PyTorch counts it. Normalisation layers (BatchNorm, InstanceNorm, GroupNorm, LayerNorm): scale 1, shift 0, running
    /// statistics reset; nothing is drawn for them.
    /// </summary>
    /// <exception cref="NotSupportedException">A layer with parameters of another kind; the message names it.</exception>
    public static void PyTorchDefault(nn.Module layer, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var noGrad = torch.no_grad();
        switch (layer)
        {
            case Conv1d or Conv2d or Conv3d or ConvTranspose1d or ConvTranspose2d or ConvTranspose3d or Linear:
                var weight = layer.get_parameter("weight")!;
                var bound = 1 / Math.Sqrt(FanIn(weight));
                weight.uniform_(-bound, bound, generator);
                layer.get_parameter("bias")?.uniform_(-bound, bound, generator);
                break;
            case NormBase norm:
                norm.reset_parameters();
                break;
            case GroupNorm or LayerNorm:
                layer.get_parameter("weight")?.fill_(Scalars.One);
                layer.get_parameter("bias")?.zero_();
                break;
            default:
                throw new NotSupportedException(
                    $"Initialization does not know {layer.GetType().Name} ({layer.GetName()}); draw its parameters from the generator in the model's Initialize");
        }
    }

    /// <summary>
    /// <see cref="PyTorchDefault"/> for every layer of <paramref name="model"/> that has parameters or buffers of its own,
    /// in the order the layers were registered, so the same seed always gives the same weights.
    /// </summary>
    /// <exception cref="NotSupportedException">A layer with parameters of a kind it does not know; the message names it.</exception>
    public static void PyTorchDefaults(nn.Module model, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var layer in model.modules().Prepend(model).Distinct())
            if (layer.named_parameters(recurse: false).Any() || layer.named_buffers(recurse: false).Any())
                PyTorchDefault(layer, generator);
    }

    private static void Glorot(nn.Module layer, torch.Generator generator)
    {
        using var noGrad = torch.no_grad();
        var weight = layer.get_parameter("weight")!;
        var receptive = weight.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        var limit = Math.Sqrt(6.0 / (weight.shape[1] * receptive + weight.shape[0] * receptive));
        weight.uniform_(-limit, limit, generator);
        layer.get_parameter("bias")?.zero_();
    }

    private static long FanIn(Tensor weight) => weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
}
