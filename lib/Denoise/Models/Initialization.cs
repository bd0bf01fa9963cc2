using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Denoise.Models;

/// <summary>Weight initialisations the architectures share, each drawn from the caller's generator.</summary>
public static class Initialization
{
    /// <summary>
    /// Keras' default for Conv2D: kernels uniform in ±√(6 / (fan_in + fan_out)) with fans = channels × kernel area
    /// (Glorot-uniform), biases zero.
    /// </summary>
    public static void GlorotUniform(Conv2d conv, torch.Generator generator)
    {
        using var noGrad = torch.no_grad();
        var weight = conv.weight!;
        var receptive = weight.shape[2] * weight.shape[3];
        var fanIn = weight.shape[1] * receptive;
        var fanOut = weight.shape[0] * receptive;
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        weight.uniform_(-limit, limit, generator);
        conv.bias?.zero_();
    }

    /// <summary>
    /// PyTorch's default for Conv2d and ConvTranspose2d (kaiming_uniform with a = √5): weights and biases uniform in
    /// ±1/√fan_in, where fan_in is the weight's second dimension times the kernel area, as PyTorch counts it.
    /// </summary>
    public static void PyTorchDefault(nn.Module layer, torch.Generator generator)
    {
        using var noGrad = torch.no_grad();
        var weight = layer.get_parameter("weight") ?? throw new ArgumentException($"{layer.GetName()} has no weight", nameof(layer));
        var fanIn = weight.shape[1] * weight.shape[2] * weight.shape[3];
        var bound = 1 / Math.Sqrt(fanIn);
        weight.uniform_(-bound, bound, generator);
        layer.get_parameter("bias")?.uniform_(-bound, bound, generator);
    }
}
