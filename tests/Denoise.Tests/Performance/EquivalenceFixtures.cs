using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Performance;

/// <summary>What the equivalence tests of the fast paths share: seeded noisy/clean batches, a model's twin, a tolerance check.</summary>
internal static class EquivalenceFixtures
{
    public static (ConvAutoencoder Model, Tensor Noisy, Tensor Clean) Setup(int seed, int batch)
    {
        manual_seed(seed);
        var model = new ConvAutoencoder(seed);
        var clean = rand(batch, 1, 28, 28);
        var noisy = (clean + 0.4 * randn(batch, 1, 28, 28)).clamp_(0, 1);
        return (model, noisy, clean);
    }

    /// <summary>A second model with the same weights (and dtype), to run the plain path beside the fast one.</summary>
    public static ConvAutoencoder CopyOf(ConvAutoencoder model)
    {
        var copy = new ConvAutoencoder(seed: 0);
        copy.to(model.parameters().First().dtype);
        using var noGrad = no_grad();
        foreach (var ((_, from), (_, to)) in model.named_parameters().Zip(copy.named_parameters()))
            to.copy_(from);
        return copy;
    }

    /// <summary>Max |expected - actual| within rtol × max |expected| + atol.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what, double rtol, double atol)
    {
        var scale = expected.abs().max().to(float64).item<double>();
        var diff = (expected - actual).abs().max().to(float64).item<double>();
        Assert.True(diff <= rtol * scale + atol, $"{what}: max difference {diff} vs scale {scale}");
    }
}
