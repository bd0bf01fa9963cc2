using Denoise.Models;
using Denoise.Performance;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

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

    /// <summary>
    /// One fast step in float64 against BCE(model(x)).backward(): same loss and gradients to 1e-9. Float64, so that what
    /// remains is the mathematics, not float32 rounding of cancelling sums (Glorot-initialised first-layer gradients
    /// are tiny sums of large terms of both signs).
    /// </summary>
    public static void AssertGradientsMatchThePlainModel(int seed, int batch, int chunkSize, int workers)
    {
        var (model, noisy, clean) = Setup(seed, batch);
        model.to(float64);
        (noisy, clean) = (noisy.to(float64), clean.to(float64));
        var plain = CopyOf(model);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.0);

        using var fast = new FastTrainingStep(model, optimizer, chunkSize, workers);
        using var loss = fast.Step(noisy, clean);
        using var plainLoss = F.binary_cross_entropy(plain.call(noisy), clean);
        plainLoss.backward();

        Assert.Equal(plainLoss.item<double>(), loss.item<double>(), 10);
        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(plain.named_parameters()))
            AssertClose(q.grad!, p.grad!, name, rtol: 1e-9, atol: 0);
    }

    /// <summary>Three Adam steps through the fast step move the parameters like three steps of the plain loop.</summary>
    public static void AssertAdamStepsMatchThePlainLoop(int seed, int batch, int chunkSize, int? workers, double atol)
    {
        var (model, noisy, clean) = Setup(seed, batch);
        var plain = CopyOf(model);
        using var adam = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
        using var plainAdam = optim.Adam(plain.parameters(), lr: 1e-3, eps: 1e-7);
        using var fast = new FastTrainingStep(model, adam, chunkSize, workers);

        for (var i = 0; i < 3; i++)
        {
            fast.Step(noisy, clean).Dispose();
            plainAdam.zero_grad();
            using var plainLoss = F.binary_cross_entropy(plain.call(noisy), clean);
            plainLoss.backward();
            plainAdam.step();
        }

        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(plain.named_parameters()))
            AssertClose(q, p, name, rtol: 1e-3, atol: atol);
    }
}
