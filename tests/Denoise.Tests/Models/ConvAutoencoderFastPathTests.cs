using Denoise.Models;
using Denoise.Training;
using TorchSharp;
using static Denoise.Tests.Models.FastPathEquivalence;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

/// <summary>The seed model's phased fast path (ConvAutoencoder.PhasedForward.cs) against its plain forward.</summary>
[Collection("torch")]
public sealed class ConvAutoencoderFastPathTests
{
    private const string Seed = ConvAutoencoder.ArchitectureName;

    private static readonly DenoisingLoss Bce = DenoisingLoss.BinaryCrossEntropy;

    [Fact]
    public void Fast_step_gives_the_gradients_and_loss_of_the_plain_model() =>
        // 40 = one full chunk of 32 and a partial one; the sequential path.
        AssertGradientsMatchThePlainModel(Seed, Bce, seed: 1, batch: 40, chunkSize: 32, workers: 1);

    [Fact]
    public void Two_workers_give_the_gradients_and_loss_of_the_plain_model_in_float64() =>
        // 72 = two full chunks of 32 and a partial one of 8: the workers get unequal shares (1 and 2 chunks).
        AssertGradientsMatchThePlainModel(Seed, Bce, seed: 11, batch: 72, chunkSize: 32, workers: 2);

    [Fact]
    public void A_batch_smaller_than_one_chunk_per_worker_still_gives_the_plain_gradients() =>
        // One chunk for two workers: the first worker has nothing to do.
        AssertGradientsMatchThePlainModel(Seed, Bce, seed: 17, batch: 20, chunkSize: 32, workers: 2);

    [Theory]
    [InlineData("mse")]
    [InlineData("l1")]
    public void Fast_step_gives_the_plain_gradients_for_every_pixelwise_loss(string loss) =>
        AssertGradientsMatchThePlainModel(Seed, DenoisingLoss.Parse(loss), seed: 18, batch: 40, chunkSize: 16, workers: 2);

    // Float64 convolutions are slow (no oneDNN kernels): small batches, still of several chunks (unequal shares for two workers).
    [Fact]
    public void Fast_adam_step_moves_the_parameters_like_the_plain_loop() =>
        AssertAdamStepsMatchThePlainStep(Seed, Bce, seed: 2, batch: 24, chunkSize: 8, workers: 1);

    [Fact]
    public void Two_worker_adam_steps_move_the_parameters_like_the_plain_loop() =>
        AssertAdamStepsMatchThePlainStep(Seed, Bce, seed: 12, batch: 24, chunkSize: 8, workers: 2);

    [Fact]
    public void Fast_inference_matches_the_plain_model() =>
        AssertInferenceMatchesThePlainModel(Seed, seed: 4, batch: 10, batchSize: 4, workers: 1);

    [Fact]
    public void Parallel_inference_matches_the_plain_model() =>
        AssertInferenceMatchesThePlainModel(Seed, seed: 14, batch: 150, batchSize: 256, workers: 2);

    [Fact]
    public void The_trainer_takes_the_fast_step_for_pixelwise_losses_and_the_plain_one_for_others()
    {
        var (model, _, _) = Setup(Seed, seed: 6, batch: 1);
        using var _ = model;
        using var adam = optim.Adam(model.parameters());

        using var step = TrainingStep.For(model, adam, Bce);
        using var ssimStep = TrainingStep.For(model, adam, DenoisingLoss.MeanSquaredErrorAndSsim(0.05));

        Assert.IsType<ChunkedTrainingStep>(step);
        Assert.IsType<PlainTrainingStep>(ssimStep);   // SSIM windows span pixels the phase layout separates
    }

    [Fact]
    public void Loss_goes_down_over_a_few_fast_steps()
    {
        // A learnable target: dark images with a bright band, which the model quickly learns to reproduce.
        var (model, noisy, _) = Setup(Seed, seed: 3, batch: 32);
        var clean = zeros(32, 1, 28, 28);
        clean.narrow(2, 10, 8).fill_(1.0f);
        using var adam = optim.Adam(model.parameters(), lr: 1e-2, eps: 1e-7);
        using var fast = TrainingStep.For(model, adam, Bce);

        var first = fast.Step(noisy, clean).item<float>();
        var last = first;
        for (var i = 0; i < 10; i++)
            last = fast.Step(noisy, clean).item<float>();

        Assert.True(last < 0.95 * first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Mismatched_batches_are_rejected_with_both_shapes()
    {
        var (model, noisy, _) = Setup(Seed, seed: 5, batch: 4);
        using var adam = optim.Adam(model.parameters());
        using var fast = TrainingStep.For(model, adam, Bce);

        var e = Assert.Throws<ArgumentException>(() => fast.Step(noisy, zeros(3, 1, 28, 28)));
        Assert.Contains("[4, 1, 28, 28]", e.Message);
        Assert.Contains("[3, 1, 28, 28]", e.Message);
    }

    [Fact]
    public void Two_worker_training_is_deterministic()
    {
        float[] Train()
        {
            var (model, noisy, clean) = Setup(Seed, seed: 13, batch: 96);
            using var adam = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
            using var fast = new ChunkedTrainingStep(model, adam, Bce, chunkSize: 16, workers: 2);
            var losses = Enumerable.Range(0, 3).Select(_ => fast.Step(noisy, clean).item<float>());
            return [.. losses, .. model.parameters().SelectMany(p => p.data<float>().ToArray())];
        }

        var first = Train();
        var second = Train();

        Assert.Equal(first, second);   // bit for bit: fixed chunk-to-worker split, sums added in worker order
    }

    [Fact]
    public void Workers_leave_the_callers_and_new_threads_torch_thread_counts_alone()
    {
        // A count of our own, not the machine's default (its core count: 1 under taskset -c 0, where the workers' own
        // count of 1 could not be told apart from it).
        var original = get_num_threads();
        set_num_threads(3);
        try
        {
            var (model, noisy, clean) = Setup(Seed, seed: 15, batch: 64);
            using var adam = optim.Adam(model.parameters());
            using (var fast = new ChunkedTrainingStep(model, adam, Bce, workers: 2))
                fast.Step(noisy, clean).Dispose();
            ImageDenoiser.Denoise(model, noisy, workers: 2).Dispose();

            var onNewThread = 0;
            var thread = new Thread(() => onNewThread = get_num_threads());
            thread.Start();
            thread.Join();

            Assert.Equal(3, get_num_threads());
            Assert.Equal(3, onNewThread);   // a new thread takes libtorch's process-wide count, which the workers restored
        }
        finally
        {
            set_num_threads(original);
        }
    }

    [Fact]
    public void A_chunk_failing_on_a_worker_surfaces_on_the_calling_thread_and_the_workers_stay_usable()
    {
        var (model, noisy, clean) = Setup(Seed, seed: 16, batch: 64);
        using var adam = optim.Adam(model.parameters());
        using var fast = new ChunkedTrainingStep(model, adam, Bce, chunkSize: 16, workers: 2);
        // Width 27 passes the shape comparison but not pixel_unshuffle, which only the workers run.
        using var odd = rand(64, 1, 28, 27);

        Assert.ThrowsAny<Exception>(() => fast.Step(odd, odd));
        using var loss = fast.Step(noisy, clean);
        Assert.True(float.IsFinite(loss.item<float>()));
    }
}
