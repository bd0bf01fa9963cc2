using Denoise.Models;
using Denoise.Performance;
using TorchSharp;
using static TorchSharp.torch;
using static Denoise.Tests.Performance.EquivalenceFixtures;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Tests.Performance;

[Collection("torch")]
public sealed class ParallelStepTests
{
    [Fact]
    public void Two_workers_give_the_gradients_and_loss_of_the_plain_model_in_float64() =>
        // 72 = two full chunks of 32 and a partial one of 8: the workers get unequal shares (1 and 2 chunks).
        AssertGradientsMatchThePlainModel(seed: 11, batch: 72, chunkSize: 32, workers: 2);

    [Fact]
    public void Two_worker_adam_steps_move_the_parameters_like_the_plain_loop() =>
        AssertAdamStepsMatchThePlainLoop(seed: 12, batch: 64, chunkSize: 16, workers: 2, atol: 0);

    [Fact]
    public void Two_worker_training_is_deterministic()
    {
        float[] Train()
        {
            var (model, noisy, clean) = Setup(seed: 13, batch: 96);
            using var adam = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
            using var fast = new FastTrainingStep(model, adam, chunkSize: 16, workers: 2);
            var losses = Enumerable.Range(0, 3).Select(_ => fast.Step(noisy, clean).item<float>());
            return [.. losses, .. model.parameters().SelectMany(p => p.data<float>().ToArray())];
        }

        var first = Train();
        var second = Train();

        Assert.Equal(first, second);   // bit for bit: fixed chunk-to-worker split, sums added in worker order
    }

    [Fact]
    public void Parallel_inference_matches_the_plain_model()
    {
        var (model, noisy, _) = Setup(seed: 14, batch: 150);
        model.eval();

        using var expected = model.call(noisy);
        using var actual = FastInference.Predict(model, noisy, batchSize: 256, workers: 2);

        Assert.Equal(expected.shape, actual.shape);
        AssertClose(expected, actual, "outputs", rtol: 1e-5, atol: 0);
    }

    [Fact]
    public void Workers_leave_the_callers_and_new_threads_torch_thread_counts_alone()
    {
        var before = get_num_threads();
        var (model, noisy, clean) = Setup(seed: 15, batch: 64);
        using var adam = optim.Adam(model.parameters());
        using (var fast = new FastTrainingStep(model, adam, workers: 2))
            fast.Step(noisy, clean).Dispose();
        FastInference.Predict(model, noisy, workers: 2).Dispose();

        var onNewThread = 0;
        var thread = new Thread(() => onNewThread = get_num_threads());
        thread.Start();
        thread.Join();

        Assert.Equal(before, get_num_threads());
        Assert.Equal(before, onNewThread);
    }

    [Fact]
    public void A_chunk_failing_on_a_worker_surfaces_on_the_calling_thread_and_the_workers_stay_usable()
    {
        var (model, noisy, clean) = Setup(seed: 16, batch: 64);
        using var adam = optim.Adam(model.parameters());
        using var fast = new FastTrainingStep(model, adam, chunkSize: 16, workers: 2);
        // Width 27 passes the shape comparison but not pixel_unshuffle, which only the workers run.
        using var odd = rand(64, 1, 28, 27);

        Assert.ThrowsAny<Exception>(() => fast.Step(odd, odd));
        using var loss = fast.Step(noisy, clean);
        Assert.True(float.IsFinite(loss.item<float>()));
    }
}
