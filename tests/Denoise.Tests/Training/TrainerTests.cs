using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Randomness;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class TrainerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("denoise-trainer-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static TrainingOptions Tiny(int epochs) => new() { Epochs = epochs, BatchSize = 16, Seed = 3 };

    [Fact]
    public void A_few_epochs_lower_the_loss_on_a_tiny_set()
    {
        using var data = SyntheticPairs.Make(train: 64, validation: 16, seed: 1);
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Tiny(epochs: 5) with { LearningRate = 3e-3 });

        var history = trainer.Fit(data);

        Assert.Equal(5, history.Count);
        Assert.Equal([1, 2, 3, 4, 5], history.Select(r => r.Epoch));
        // The best constant guess m (the mean pixel) costs -(m ln m + (1 - m) ln(1 - m)); beating it means the
        // model learned to look at its input, not just the average brightness.
        var m = data.CleanTrain.mean().item<float>();
        var constantLoss = -(m * Math.Log(m) + (1 - m) * Math.Log(1 - m));
        Assert.InRange(history[0].Loss, 0.55, 0.75);   // BCE starts near ln 2 (outputs near 0.5), whatever the kernels' rounding
        Assert.True(history.Last!.Loss < history[0].Loss, $"loss went {history[0].Loss} -> {history.Last.Loss}");
        Assert.True(history.Last.Loss < constantLoss, $"loss {history.Last.Loss} not below the constant guess's {constantLoss}");
        Assert.True(history.Last.ValLoss < constantLoss, $"val_loss {history.Last.ValLoss} not below the constant guess's {constantLoss}");
        Assert.All(history, r => Assert.True(r.Seconds > 0));
    }

    [Fact]
    public void Validation_loss_is_the_mean_binary_cross_entropy_of_the_outputs()
    {
        using var data = SyntheticPairs.Make(train: 8, validation: 20, seed: 2);
        using var model = new ConvAutoencoder(seed: 4);
        using var trainer = new Trainer(model, Tiny(epochs: 1) with { BatchSize = 7 });

        var loss = trainer.Evaluate(data.NoisyValidation, data.CleanValidation);

        // -mean(y ln p + (1 - y) ln(1 - p)) over every pixel, computed here in doubles.
        using var output = model.call(data.NoisyValidation);
        var p = output.data<float>().ToArray();
        var y = data.CleanValidation.data<float>().ToArray();
        var expected = -p.Zip(y, (pi, yi) => yi * Math.Log(pi) + (1 - yi) * Math.Log(1 - pi)).Average();
        // Evaluate runs in batches of 7 (other kernels, a float64 sum) against one batch here: 1e-5 covers their rounding.
        Assert.Equal(expected, loss, expected * 1e-5);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_continues_exactly_like_an_uninterrupted_run()
    {
        using var data = SyntheticPairs.Make(train: 64, validation: 16, seed: 5);
        using var straightModel = new ConvAutoencoder(seed: 3);
        using var straight = TrainThreeEpochsStraight(straightModel, data);

        using var resumed = Checkpoint.Resume(TrainTwoEpochsWithCheckpoint(data), epochs: 3);
        using var _ = resumed.Model;
        Assert.Equal(2, resumed.CompletedEpochs);
        resumed.Fit(data);

        Assert.Equal(3, resumed.History.Count);
        // Both runs take the same steps on the same kernels, so they agree but for rounding; fresh Adam moments would
        // change the third epoch's loss by more than 1e-4 (the next test).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(straight.History[i].Loss, resumed.History[i].Loss, straight.History[i].Loss * 1e-5);
            Assert.Equal(straight.History[i].ValLoss, resumed.History[i].ValLoss, straight.History[i].ValLoss * 1e-5);
        }

        Assert.All(straightModel.parameters().Zip(resumed.Model.parameters()),
            p => Assert.True(p.First.allclose(p.Second, rtol: 1e-4, atol: 1e-6)));
    }

    [Fact]
    public void Resuming_without_the_Adam_state_would_not_match()
    {
        // Guards the test above: with fresh Adam moments the third epoch differs, so matching means the state was restored.
        using var data = SyntheticPairs.Make(train: 64, validation: 16, seed: 5);
        using var straightModel = new ConvAutoencoder(seed: 3);
        using var straight = TrainThreeEpochsStraight(straightModel, data);

        using var resumed = Checkpoint.Resume(TrainTwoEpochsWithCheckpoint(data), epochs: 3);
        using var _ = resumed.Model;
        using var fresh = new Trainer(resumed.Model, Tiny(epochs: 1));
        var third = fresh.Fit(data)[0];

        Assert.True(Math.Abs(third.Loss - straight.History[2].Loss) > straight.History[2].Loss * 1e-4);
    }

    [Fact]
    public void The_checkpoint_records_options_and_history()
    {
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 6);
        var checkpoint = Path.Combine(folder, "sub", "model.dat.checkpoint");
        using var model = new ConvAutoencoder(seed: 3);
        var options = Tiny(epochs: 2) with { Noise = new SaltPepperNoise(0.1), Limit = 32, DataSet = DataSetKind.FashionMnist };
        using var trainer = new Trainer(model, options);

        trainer.Fit(data, checkpointPath: checkpoint);
        var saved = Checkpoint.Read(checkpoint);

        Assert.Equal(ConvAutoencoder.ArchitectureName, saved.Architecture);
        Assert.Equal(options, saved.Training);
        Assert.Equal(trainer.History, saved.History);
        Assert.Equal(2, saved.Epochs);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(checkpoint)!));
    }

    [Fact]
    public void Each_epoch_gets_its_own_reproducible_shuffle()
    {
        static long[] Order(long seed, int epoch)
        {
            using var generator = SeededGenerator.Create(RunSeeds.Shuffle(seed, epoch));
            using var order = randperm(100, generator: generator);
            return order.data<long>().ToArray();
        }

        Assert.Equal(Order(7, 1), Order(7, 1));
        Assert.NotEqual(Order(7, 1), Order(7, 2));
        Assert.NotEqual(Order(7, 1), Order(8, 1));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), Order(7, 3).Order());
    }

    [Fact]
    public void Progress_reports_every_batch_and_each_finished_epoch()
    {
        using var data = SyntheticPairs.Make(train: 40, validation: 8, seed: 7);
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Tiny(epochs: 2));
        var reports = new List<TrainingProgress>();

        trainer.Fit(data, new InlineProgress<TrainingProgress>(reports.Add));

        // 40 images in batches of 16: 16, 16, 8 -> 3 batches, plus one epoch-end report per epoch.
        Assert.Equal(8, reports.Count);
        Assert.Equal([1, 2, 3, 3], reports.Take(4).Select(r => r.Batch));
        Assert.All(reports, r => Assert.Equal(3, r.Batches));
        Assert.Equal([trainer.History[0], trainer.History[1]], reports.Where(r => r.Completed is not null).Select(r => r.Completed!));
    }

    [Fact]
    public void No_tensors_leak_from_one_epoch_to_the_next()
    {
        using var data = SyntheticPairs.Make(train: 48, validation: 8, seed: 8);
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Tiny(epochs: 4));
        var live = new List<long>();

        trainer.Fit(data, new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Completed is not null) live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }));

        // Epoch 1 creates the gradients and Adam buffers once; later epochs must not add any.
        Assert.Equal(4, live.Count);
        Assert.Equal(live[1], live[2]);
        Assert.Equal(live[1], live[3]);
    }

    [Fact]
    public void Cancelling_stops_between_batches_and_leaves_the_last_checkpoint_valid()
    {
        using var data = SyntheticPairs.Make(train: 64, validation: 8, seed: 9);
        var checkpoint = Path.Combine(folder, "cancel.checkpoint");
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Tiny(epochs: 5));
        using var cancel = new CancellationTokenSource();
        var batchesSeen = 0;
        var progress = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Completed is null && p.Epoch == 2) batchesSeen++;
            if (p is { Epoch: 2, Batch: 2, Completed: null }) cancel.Cancel();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data, progress, checkpoint, cancel.Token));

        Assert.Equal(2, batchesSeen);
        Assert.Equal(1, trainer.CompletedEpochs);
        Assert.Equal(1, Checkpoint.Read(checkpoint).Epochs);
        using var resumed = Checkpoint.Resume(checkpoint);
        using var _ = resumed.Model;
        Assert.Equal(5, resumed.Options.Epochs);
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void Images_of_the_wrong_shape_are_refused_with_the_shape()
    {
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Tiny(epochs: 1));
        using var flat = zeros(4, 784);
        using var good = zeros(4, 1, 28, 28);

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(new TrainingData(flat, flat, good, good)));

        Assert.Equal("training noisy images must be N x 1 x H x W with H and W multiples of 4, got 4 x 784", error.Message);
    }

    [Fact]
    public void A_truncated_checkpoint_is_reported_as_such()
    {
        using var data = SyntheticPairs.Make(train: 16, validation: 4, seed: 10);
        var path = Path.Combine(folder, "t.checkpoint");
        using (var model = new ConvAutoencoder(seed: 3))
        using (var trainer = new Trainer(model, Tiny(epochs: 1)))
            trainer.Fit(data, checkpointPath: path);
        var bytes = File.ReadAllBytes(path);
        // Cut inside the Adam moments, which come after the weights.
        File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(path));

        Assert.StartsWith($"{path}: the checkpoint is truncated or corrupt", error.Message);
        Assert.EndsWith("- start again without --resume", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused_by_name()
    {
        var path = Path.Combine(folder, "x.checkpoint");
        File.WriteAllText(path, "nope");

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(path));

        Assert.Equal($"{path}: not a denoise training checkpoint (no DENOISE-CHECKPOINT header) - start again without --resume", error.Message);
    }

    [Fact]
    public void The_cosine_schedule_warms_up_over_3_percent_of_the_steps_then_falls_to_zero_along_half_a_cosine()
    {
        var options = new TrainingOptions { LearningRate = 2e-3, Schedule = LearningRateSchedule.Cosine };

        Assert.Equal(2e-4, options.LearningRateAt(0, 1000), 12);
        Assert.Equal(2e-4 + 0.9 * 2e-3 * 15 / 30, options.LearningRateAt(15, 1000), 12);
        Assert.Equal(2e-3, options.LearningRateAt(30, 1000), 12);
        Assert.Equal(1e-3, options.LearningRateAt(515, 1000), 12);
        Assert.Equal(2e-3 * (1 + Math.Cos(Math.PI * 0.25)) / 2, options.LearningRateAt(12 + 388 / 4, 400), 12);   // a quarter of the way down
        Assert.Equal(0, options.LearningRateAt(1000, 1000), 12);
        Assert.Equal(2e-3, new TrainingOptions { LearningRate = 2e-3 }.LearningRateAt(99, 100), 12);
    }

    [Fact]
    public void The_optimiser_follows_the_schedule_batch_by_batch()
    {
        using var data = SyntheticPairs.Make(train: 48, validation: 8, seed: 11);
        using var model = new ConvAutoencoder(seed: 3);
        var options = Tiny(epochs: 2) with { Schedule = LearningRateSchedule.Cosine, LearningRate = 1e-2 };
        using var trainer = new Trainer(model, options);
        var seen = new List<double>();

        // 48 images in batches of 16: 3 batches an epoch, 6 steps; the rate is set before each step, read after it.
        trainer.Fit(data, new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Completed is null) seen.Add(trainer.LearningRate);
        }));

        Assert.Equal(Enumerable.Range(0, 6).Select(step => options.LearningRateAt(step, 6)), seen);
    }

    [Fact]
    public void Fresh_noise_draws_every_batch_from_the_clean_images_alone()
    {
        // Poisoned precomputed noisy images: with fresh noise they are never read, so the losses stay finite.
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 12);
        data.NoisyTrain.fill_(float.NaN);
        var options = Tiny(epochs: 2) with { FreshNoise = true, Noise = new GaussianNoise(0.4) };

        double[] Losses()
        {
            using var model = new ConvAutoencoder(seed: 3);
            using var trainer = new Trainer(model, options);
            return [.. trainer.Fit(data).Select(r => r.Loss)];
        }

        var first = Losses();
        Assert.All(first, loss => Assert.True(double.IsFinite(loss)));
        Assert.Equal(first, Losses());   // reproducible: the noise is seeded by run, epoch and batch
        Assert.NotEqual(RunSeeds.BatchNoise(3, 1, 0), RunSeeds.BatchNoise(3, 2, 0));
        Assert.NotEqual(RunSeeds.BatchNoise(3, 1, 0), RunSeeds.BatchNoise(3, 1, 1));
    }

    [Fact]
    public void A_time_budget_chooses_the_epochs_and_records_them_without_changing_the_options()
    {
        using var data = SyntheticPairs.Make(train: 64, validation: 16, seed: 13);
        using var model = new ConvAutoencoder(seed: 3);
        var checkpoint = Path.Combine(folder, "budget.checkpoint");
        var options = Tiny(epochs: 1) with { Minutes = 0.2 };
        // Each of an epoch's 4 batches takes 1 s on this clock, and nothing else takes any time: the timing at the
        // start sees nothing (and plans the most epochs), the first epoch's 4 s correct that to 1 + the 2 that fill
        // the 8 s left, and that plan stands.
        var clock = new ManualClock();
        using var trainer = new Trainer(model, options, clock);
        var history = trainer.Fit(data, new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Completed is null)
                clock.Advance(1);
        }), checkpointPath: checkpoint);

        Assert.Equal(3, trainer.PlannedEpochs);
        Assert.Equal(3, history.Count);
        Assert.All(history, r => Assert.Equal(4.0, r.Seconds));
        Assert.Equal(options, trainer.Options);   // the options stay as given
        Assert.Equal(options with { Epochs = 3 }, Checkpoint.Read(checkpoint).Training);   // the choice is recorded
        Assert.Equal(options with { Epochs = 3 }, trainer.Metadata().Training);
        Assert.Equal($"time budget 0.2 min: {TimeBudget.MostEpochs} epochs of about 0 s each, as timed at the start; after epoch 1 (4 s each): 3 epochs; ended after 12 s of 12 s", trainer.BudgetPlan);
        // Timing used a twin: the first epoch's loss is the one an untimed run would see.
        using var plainModel = new ConvAutoencoder(seed: 3);
        using var plain = new Trainer(plainModel, Tiny(epochs: 1));
        Assert.Equal(plain.Fit(data)[0].Loss, history[0].Loss, history[0].Loss * 1e-6);
    }

    [Fact]
    public void A_run_with_a_time_budget_resumes_to_the_epochs_it_planned()
    {
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 15);
        using var model = new ConvAutoencoder(seed: 3);
        var checkpoint = Path.Combine(folder, "budget-resume.checkpoint");
        var clock = new ManualClock();
        using var trainer = new Trainer(model, Tiny(epochs: 1) with { Minutes = 0.1 }, clock);
        using var stop = new CancellationTokenSource();
        // Batches of 1 s (2 per epoch): the first epoch corrects the plan to 1 + the 2 epochs of 2 s that fill the 4 s
        // left; the run is stopped in the second.
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data, new InlineProgress<TrainingProgress>(p =>
        {
            clock.Advance(p.Completed is null ? 1 : 0);
            if (p.Epoch == 2)
                stop.Cancel();
        }), checkpoint, stop.Token));

        using var resumed = Checkpoint.Resume(checkpoint);
        using var resumedModel = resumed.Model;
        resumed.Fit(data);

        Assert.Equal(3, resumed.PlannedEpochs);
        Assert.Equal(3, resumed.CompletedEpochs);
        Assert.Null(resumed.BudgetPlan);   // resuming follows the plan; it does not plan again
    }

    [Fact]
    public void Quality_images_add_psnr_and_ssim_to_every_epoch()
    {
        using var data = SyntheticPairs.Make(train: 32, validation: 12, seed: 14);
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Tiny(epochs: 2) with { QualityImages = 8 });

        var history = trainer.Fit(data);

        using var denoised = ImageDenoiser.Denoise(model, data.NoisyValidation.narrow(0, 0, 8));
        var expected = Denoise.Metrics.ImageMetrics.Evaluate(data.CleanValidation.narrow(0, 0, 8), denoised);
        Assert.Equal(expected.MeanCappedPsnr, history[1].ValPsnr!.Value, 6);
        Assert.Equal(expected.MeanSsim, history[1].ValSsim!.Value, 6);
        Assert.Contains("val_psnr", history[1].Describe(2));
        Assert.Null(new EpochRecord(1, 0.1, 0.1, 1).ValPsnr);
    }

    /// <summary>The uninterrupted run that a resumed one is compared with.</summary>
    private static Trainer TrainThreeEpochsStraight(ConvAutoencoder model, TrainingData data)
    {
        var trainer = new Trainer(model, Tiny(epochs: 3));
        trainer.Fit(data);
        return trainer;
    }

    /// <summary>The same run stopped after two epochs; returns its checkpoint.</summary>
    private string TrainTwoEpochsWithCheckpoint(TrainingData data)
    {
        var checkpoint = Path.Combine(folder, "run.checkpoint");
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, Tiny(epochs: 2));
        trainer.Fit(data, checkpointPath: checkpoint);
        return checkpoint;
    }
}
