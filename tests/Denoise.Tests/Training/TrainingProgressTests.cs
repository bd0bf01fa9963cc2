using Denoise.Models;
using Denoise.Randomness;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class TrainingProgressTests
{
    [Fact]
    public void The_running_loss_is_the_mean_loss_per_image_of_the_epoch_so_far()
    {
        // 40 images in batches of 16, 16 and 8: the mean per image weighs the last batch by half.
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 5 };
        using var data = SyntheticPairs.Make(train: 40, validation: 8, seed: 9);
        using var model = new ConvAutoencoder(seed: 5);
        using var trainer = new Trainer(model, options);
        var reports = new List<TrainingProgress>();

        trainer.Fit(data, new InlineProgress<TrainingProgress>(reports.Add));

        // The same steps taken by hand on a twin model: each batch's loss, then the size-weighted means so far.
        var expected = new List<double>();
        using var twin = new ConvAutoencoder(seed: 5);
        using var optimizer = optim.Adam(twin.parameters(), options.LearningRate, options.Beta1, options.Beta2, options.Epsilon);
        using var step = TrainingStep.For(twin, optimizer, options.Loss);
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            using var generator = SeededGenerator.Create(RunSeeds.Shuffle(options.Seed, epoch));
            using var order = randperm(40, generator: generator);
            var (sum, seen) = (0.0, 0);
            foreach (var (start, size) in new[] { (0, 16), (16, 16), (32, 8) })
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, start, size);
                sum += step.Step(data.NoisyTrain.index_select(0, index), data.CleanTrain.index_select(0, index)).item<float>() * size;
                seen += size;
                expected.Add(sum / seen);
            }
        }

        var batchReports = reports.Where(r => r.Completed is null).ToList();
        Assert.Equal(6, batchReports.Count);
        foreach (var (report, mean) in batchReports.Zip(expected))
            Assert.Equal(mean, report.RunningLoss, mean * 1e-6);   // the same float32 losses, summed in float64 in another order
        // The epoch's report carries the epoch's loss, which the last batch's running loss already was.
        foreach (var end in reports.Where(r => r.Completed is not null))
        {
            Assert.Equal(end.Completed!.Loss, end.RunningLoss);
            Assert.Equal(end.Completed.Loss, batchReports.Last(r => r.Epoch == end.Epoch).RunningLoss, 1e-12);
        }
    }

    [Fact]
    public void Elapsed_time_grows_within_an_epoch_and_starts_again_with_the_next()
    {
        using var data = SyntheticPairs.Make(train: 48, validation: 8, seed: 4);
        using var model = new ConvAutoencoder(seed: 2);
        // A clock on which each batch takes 1 s once it is reported, and validation none: exact times on any machine.
        var clock = new ManualClock();
        using var trainer = new Trainer(model, new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 2 }, clock);
        var reports = new List<TrainingProgress>();

        trainer.Fit(data, new InlineProgress<TrainingProgress>(p =>
        {
            reports.Add(p);
            if (p.Completed is null)
                clock.Advance(1);
        }));

        foreach (var epoch in new[] { 1, 2 })
        {
            // Three batch reports, each read before its own second passes, then the epoch's report after the third.
            Assert.Equal([0.0, 1, 2, 3], reports.Where(r => r.Epoch == epoch).Select(r => r.Elapsed.TotalSeconds));
            Assert.Equal(3.0, reports.Single(r => r.Epoch == epoch && r.Completed is not null).Completed!.Seconds);
        }
    }
}
