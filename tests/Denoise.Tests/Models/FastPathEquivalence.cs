using Denoise.Models;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

/// <summary>
/// What the equivalence tests of any architecture's fast path share: seeded noisy/clean batches, a twin of the model
/// with the same weights running the plain path, and the checks (gradients in float64, Adam steps, inference).
/// </summary>
internal static class FastPathEquivalence
{
    public static (Denoiser Model, Tensor Noisy, Tensor Clean) Setup(string architecture, int seed, int batch, int side = 28)
    {
        manual_seed(seed);
        var model = Architectures.Create(architecture, seed);
        var clean = rand(batch, 1, side, side);
        var noisy = (clean + 0.4 * randn(batch, 1, side, side)).clamp_(0, 1);
        return (model, noisy, clean);
    }

    /// <summary>A second model with the same weights (and dtype), to run the plain path beside the fast one.</summary>
    public static Denoiser CopyOf(Denoiser model)
    {
        var copy = Architectures.Create(model.Architecture, seed: 0);
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
    /// One fast step in float64 against loss(model(x)).backward() on the plain forward: same loss and gradients to 1e-9.
    /// Float64, so that what remains is the mathematics, not float32 rounding of cancelling sums (Glorot-initialised
    /// first-layer gradients are tiny sums of large terms of both signs).
    /// </summary>
    public static void AssertGradientsMatchThePlainModel(string architecture, DenoisingLoss loss, int seed, int batch, int chunkSize, int workers, int side = 28)
    {
        var (model, noisy, clean) = Setup(architecture, seed, batch, side);
        model.to(float64);
        (noisy, clean) = (noisy.to(float64), clean.to(float64));
        var plain = CopyOf(model);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.0);

        using var fast = new ChunkedTrainingStep(model, optimizer, loss, chunkSize, workers);
        using var value = fast.Step(noisy, clean);
        using var plainValue = loss.Of(plain.call(noisy), clean);
        plainValue.backward();

        Assert.Equal(plainValue.item<double>(), value.item<double>(), 10);
        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(plain.named_parameters()))
            AssertClose(q.grad!, p.grad!, name, rtol: 1e-9, atol: 0);
    }

    /// <summary>
    /// Three Adam steps through the fast step move the parameters like three steps of the plain step, in float64.
    /// In float32 they need not: Adam divides each gradient by its own root mean square, so rounding noise in a
    /// near-zero gradient (whose sign the kernels' summation order decides) becomes a step of the full learning rate;
    /// which kernels run depends on the CPU.
    /// </summary>
    public static void AssertAdamStepsMatchThePlainStep(string architecture, DenoisingLoss loss, int seed, int batch, int chunkSize, int workers)
    {
        var (model, noisy, clean) = Setup(architecture, seed, batch);
        model.to(float64);
        (noisy, clean) = (noisy.to(float64), clean.to(float64));
        var plain = CopyOf(model);
        using var adam = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
        using var plainAdam = optim.Adam(plain.parameters(), lr: 1e-3, eps: 1e-7);
        using var fast = new ChunkedTrainingStep(model, adam, loss, chunkSize, workers);
        using var plainStep = new PlainTrainingStep(plain, plainAdam, loss);

        for (var i = 0; i < 3; i++)
        {
            fast.Step(noisy, clean).Dispose();
            plainStep.Step(noisy, clean).Dispose();
        }

        // In float64 they differ by about 1e-15 of their scale; 1e-9 leaves room for Adam's amplification of gradient
        // rounding (up to lr / eps = 1e4 for tiny gradients), while a wrong gradient moves a weight by up to 3 lr.
        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(plain.named_parameters()))
            AssertClose(q, p, name, rtol: 1e-9, atol: 0);
    }

    /// <summary>What <see cref="ImageDenoiser"/> returns through the fast forward equals the module's plain forward.</summary>
    public static void AssertInferenceMatchesThePlainModel(string architecture, int seed, int batch, int batchSize, int workers, int side = 28)
    {
        var (model, noisy, _) = Setup(architecture, seed, batch, side);
        model.eval();

        using var expected = model.call(noisy);
        using var actual = ImageDenoiser.Denoise(model, noisy, batchSize, workers);

        Assert.Equal(expected.shape, actual.shape);
        // float32, fast and plain paths sum in other orders on other kernels: a few ulps per layer of outputs of order 1
        // (1e-5 of the scale allows ten layers of that); a wrong weight or tap is off by 1e-2 and more.
        AssertClose(expected, actual, "outputs", rtol: 1e-5, atol: 1e-7);
    }
}
