using TorchSharp;
using TorchSharp.Modules;

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
}
