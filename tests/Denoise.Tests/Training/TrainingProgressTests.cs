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
            Assert.Equal(mean, report.RunningLoss, mean * 1e-6);
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
        using var trainer = new Trainer(model, new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 2 });
        var reports = new List<TrainingProgress>();

        trainer.Fit(data, new InlineProgress<TrainingProgress>(reports.Add));

        foreach (var epoch in new[] { 1, 2 })
        {
            var times = reports.Where(r => r.Epoch == epoch).Select(r => r.Elapsed).ToList();
            Assert.Equal(4, times.Count);
            Assert.True(times[0] > TimeSpan.Zero);
            Assert.Equal(times.Order(), times);
            // The record's seconds are read just before its report: the report's time is at least that.
            var record = reports.Single(r => r.Epoch == epoch && r.Completed is not null);
            Assert.InRange(record.Completed!.Seconds, times[2].TotalSeconds, record.Elapsed.TotalSeconds);
        }
        Assert.True(reports.First(r => r.Epoch == 2).Elapsed < reports.Last(r => r.Epoch == 1).Elapsed);
    }
}
