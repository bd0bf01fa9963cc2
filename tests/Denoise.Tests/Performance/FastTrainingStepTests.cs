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
    public void Fast_step_gives_the_gradients_and_loss_of_the_plain_model() =>
        // 40 = one full chunk of 32 and a partial one; the sequential path (ParallelStepTests cover 2 workers).
        AssertGradientsMatchThePlainModel(seed: 1, batch: 40, chunkSize: 32, workers: 1);

    [Fact]
    public void Fast_adam_step_moves_the_parameters_like_the_plain_loop() =>
        AssertAdamStepsMatchThePlainLoop(seed: 2, batch: 64, chunkSize: 16, workers: null, atol: 1e-7);

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
