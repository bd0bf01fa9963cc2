using Denoise.Models;
using Denoise.Performance;
using TorchSharp;
using static TorchSharp.torch;
using static Denoise.Tests.Performance.EquivalenceFixtures;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Tests.Performance;

[Collection("torch")]
public sealed class FastTrainingStepTests
{
    [Fact]
    public void Fast_step_gives_the_gradients_and_loss_of_the_plain_model()
    {
        // In float64, so that what remains is the mathematics, not float32 rounding of cancelling sums
        // (Glorot-initialised first-layer gradients are tiny sums of large terms of both signs).
        var (model, noisy, clean) = Setup(seed: 1, batch: 40);   // 40 = one full chunk of 32 and a partial one
        model.to(float64);
        (noisy, clean) = (noisy.to(float64), clean.to(float64));
        var plain = CopyOf(model);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.0);

        using var fast = new FastTrainingStep(model, optimizer, chunkSize: 32, workers: 1);   // the sequential path; ParallelStepTests cover 2
        using var loss = fast.Step(noisy, clean);
        using var plainLoss = F.binary_cross_entropy(plain.call(noisy), clean);
        plainLoss.backward();

        Assert.Equal(plainLoss.item<double>(), loss.item<double>(), 10);
        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(plain.named_parameters()))
            AssertClose(q.grad!, p.grad!, name, rtol: 1e-9, atol: 0);
    }

    [Fact]
    public void Fast_adam_step_moves_the_parameters_like_the_plain_loop()
    {
        var (model, noisy, clean) = Setup(seed: 2, batch: 64);
        var plain = CopyOf(model);
        using var adam = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
        using var plainAdam = optim.Adam(plain.parameters(), lr: 1e-3, eps: 1e-7);
        using var fast = new FastTrainingStep(model, adam, chunkSize: 16);

        for (var i = 0; i < 3; i++)
        {
            fast.Step(noisy, clean).Dispose();
            plainAdam.zero_grad();
            using var plainLoss = F.binary_cross_entropy(plain.call(noisy), clean);
            plainLoss.backward();
            plainAdam.step();
        }

        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(plain.named_parameters()))
            AssertClose(q, p, name, rtol: 1e-3, atol: 1e-7);
    }

    [Fact]
    public void Loss_goes_down_over_a_few_fast_steps()
    {
        // A learnable target: dark images with a bright band, which the model quickly learns to reproduce.
        var (model, noisy, _) = Setup(seed: 3, batch: 32);
        var clean = zeros(32, 1, 28, 28);
        clean.narrow(2, 10, 8).fill_(1.0f);
        using var adam = optim.Adam(model.parameters(), lr: 1e-2, eps: 1e-7);
        using var fast = new FastTrainingStep(model, adam);

        var first = fast.Step(noisy, clean).item<float>();
        var last = first;
        for (var i = 0; i < 10; i++)
            last = fast.Step(noisy, clean).item<float>();

        Assert.True(last < 0.95 * first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Fast_inference_matches_the_plain_model()
    {
        var (model, noisy, _) = Setup(seed: 4, batch: 10);
        model.eval();

        using var expected = model.call(noisy);
        using var actual = FastInference.Predict(model, noisy, batchSize: 4);

        Assert.Equal(expected.shape, actual.shape);
        AssertClose(expected, actual, "outputs", rtol: 1e-5, atol: 1e-7);
    }

    [Fact]
    public void Mismatched_batches_are_rejected_with_both_shapes()
    {
        var (model, noisy, _) = Setup(seed: 5, batch: 4);
        using var adam = optim.Adam(model.parameters());
        using var fast = new FastTrainingStep(model, adam);

        var e = Assert.Throws<ArgumentException>(() => fast.Step(noisy, zeros(3, 1, 28, 28)));
        Assert.Contains("[4, 1, 28, 28]", e.Message);
        Assert.Contains("[3, 1, 28, 28]", e.Message);
    }
}
