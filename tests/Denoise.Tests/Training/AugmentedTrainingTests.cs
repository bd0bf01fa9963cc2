using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

/// <summary>Runs with augmented digits and a weight average: what they train on, what they save, and that they resume exactly.</summary>
[Collection("torch")]
public sealed class AugmentedTrainingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("denoise-augmented-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly DigitAugmentation Moves = DigitAugmentation.Parse("shift:3,scale:0.9-1.1,composite:0.3,unmoved:0.2");

    private static TrainingOptions Augmented(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 16, Seed = 3, FreshNoise = true, Noise = new GaussianNoise(0.4), Augmentation = Moves, EmaDecay = 0.9,
    };

    [Fact]
    public void Augmentation_without_fresh_noise_is_refused_because_the_noise_goes_on_after_the_move()
    {
        var options = Augmented(1) with { FreshNoise = false };

        var error = Assert.Throws<InvalidTrainingOptionException>(options.Validate);

        Assert.Equal(nameof(TrainingOptions.Augmentation), error.Setting);
        Assert.Equal($"{Moves} needs fresh noise (the noise goes on after the digits move); add --fresh-noise", error.Problem);
    }

    [Fact]
    public void A_weight_average_outside_zero_to_one_is_refused()
    {
        var error = Assert.Throws<InvalidTrainingOptionException>((Augmented(1) with { EmaDecay = 1 }).Validate);

        Assert.Equal((nameof(TrainingOptions.EmaDecay), "must be in [0, 1) (0: no average), got 1"), (error.Setting, error.Problem));
    }

    [Fact]
    public void The_batches_are_augmented_with_a_seed_of_their_own()
    {
        // Poisoned precomputed noisy images are never read (fresh noise); the augmented run's losses differ from an
        // unaugmented one's and repeat exactly.
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 21);
        data.NoisyTrain.fill_(float.NaN);

        double[] Losses(TrainingOptions options)
        {
            using var model = new ConvAutoencoder(seed: 3);
            using var trainer = new Trainer(model, options);
            return [.. trainer.Fit(data).Select(r => r.Loss)];
        }

        var augmented = Losses(Augmented(2));
        Assert.All(augmented, loss => Assert.True(double.IsFinite(loss)));
        Assert.Equal(augmented, Losses(Augmented(2)));
        Assert.NotEqual(augmented, Losses(Augmented(2) with { Augmentation = DigitAugmentation.None }));
        var seeds = new[] { RunSeeds.BatchAugmentation(3, 1, 0), RunSeeds.BatchAugmentation(3, 1, 1), RunSeeds.BatchAugmentation(3, 2, 0), RunSeeds.BatchNoise(3, 1, 0) };
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
    }

    [Fact]
    public void A_run_with_augmentation_and_a_weight_average_resumes_exactly_like_an_uninterrupted_run()
    {
        using var data = SyntheticPairs.Make(train: 48, validation: 16, seed: 22);
        using var straightModel = new ConvAutoencoder(seed: 3);
        using var straight = new Trainer(straightModel, Augmented(3));
        straight.Fit(data);

        using var resumed = ResumedAfterTwoEpochs(data);
        using var resumedModel = resumed.Model;
        resumed.Fit(data);

        // The same batches, moves, noise and steps on the same kernels: equal but for rounding. A resumed run whose
        // average started afresh, or whose moves were drawn anew, would differ by far more (its own test below).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(straight.History[i].Loss, resumed.History[i].Loss, straight.History[i].Loss * 1e-5);
            Assert.Equal(straight.History[i].ValLoss, resumed.History[i].ValLoss, straight.History[i].ValLoss * 1e-5);
        }
        Assert.All(straight.Result.parameters().Zip(resumed.Result.parameters()),
            p => Assert.True(p.First.allclose(p.Second, rtol: 1e-4, atol: 1e-6)));
    }

    [Fact]
    public void Resuming_without_the_weight_average_would_not_match()
    {
        // Guards the test above: an average restarted from the resumed weights is not the average the checkpoint kept.
        using var data = SyntheticPairs.Make(train: 48, validation: 16, seed: 22);
        using var resumed = ResumedAfterTwoEpochs(data);
        using var resumedModel = resumed.Model;

        using var restarted = new WeightAverage(resumed.Model, 0.9);

        Assert.False(restarted.Model.parameters().Zip(resumed.Result.parameters()).All(p => p.First.allclose(p.Second, rtol: 1e-4, atol: 1e-6)));
    }

    /// <summary>An augmented run with a weight average checkpointed after two epochs, resumed for a third (not yet trained).</summary>
    private Trainer ResumedAfterTwoEpochs(IRunData data)
    {
        var checkpoint = Path.Combine(folder, $"two-epochs-{Guid.NewGuid():N}.checkpoint");
        using (var firstModel = new ConvAutoencoder(seed: 3))
        using (var first = new Trainer(firstModel, Augmented(2)))
            first.Fit(data, checkpointPath: checkpoint);
        return Checkpoint.Resume(checkpoint, epochs: 3);
    }

    [Fact]
    public void A_run_with_a_weight_average_validates_and_delivers_the_average_while_the_model_trains_on()
    {
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 23);
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Augmented(2));

        var history = trainer.Fit(data);

        Assert.NotSame(model, trainer.Result);
        Assert.False(model.parameters().Zip(trainer.Result.parameters()).All(p => p.First.allclose(p.Second)));
        Assert.Equal(history.Last!.ValLoss, trainer.Evaluate(data.NoisyValidation, data.CleanValidation), 12);
        using var unaveraged = new Trainer(model, Augmented(1) with { EmaDecay = 0 });
        Assert.Same(model, unaveraged.Result);
    }
}
