using System.CommandLine;
using Denoise.Cli;
using Denoise.Models;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

/// <summary>A run whose loss stops being finite ends at once, says where and what to change, and keeps what it had.</summary>
[Collection("torch")]
public sealed class DivergenceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("denoise-diverge-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_loss_that_is_not_finite_stops_training_at_once_and_the_last_checkpoint_is_kept()
    {
        using var data = SyntheticPairs.Make(train: 64, validation: 8, seed: 9);
        var checkpoint = Path.Combine(folder, "run.checkpoint");
        using var model = new ConvAutoencoder(seed: 3);
        using var trainer = new Trainer(model, new TrainingOptions { Epochs = 5, BatchSize = 16 });
        var batches = new List<(int Epoch, int Batch)>();
        byte[]? afterEpochOne = null;
        var progress = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Completed is not null)
                afterEpochOne ??= File.ReadAllBytes(checkpoint);
            else
                batches.Add((p.Epoch, p.Batch));
            // Weights that became NaN after the first step of epoch 2, as a diverging step leaves them.
            if (p is { Epoch: 2, Batch: 1, Completed: null })
                using (no_grad())
                    model.parameters().First().fill_(double.NaN);
        });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data, progress, checkpoint));

        Assert.Equal((2, 2), (error.Epoch, error.Batch));
        Assert.Equal("the training loss became NaN in epoch 2, batch 2 of 4 at a learning rate of 0.001: training diverged - try a lower learning rate", error.Message);
        Assert.Equal((2, 1), batches[^1]);                  // nothing ran after the batch that diverged
        Assert.Equal(1, trainer.CompletedEpochs);
        Assert.Equal(afterEpochOne, File.ReadAllBytes(checkpoint));
        using var resumed = Checkpoint.Resume(checkpoint);    // still a checkpoint to continue from
        using var _ = resumed.Model;
        Assert.Equal(1, resumed.CompletedEpochs);
    }

    [Fact]
    public void A_diverging_lr_ends_the_command_in_one_line_and_writes_nothing()
    {
        var output = Path.Combine(folder, "model.dat");
        var root = new RootCommand("test") { TrainCommand.Create((_, _) => SyntheticPairs.Make(32, 8, 1)) };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Adam moves every weight by about 1e10 in the first step: float32 activations overflow at once.
        var exit = CommandRunner.Run(root, ["train", "--lr", "1e10", "--loss", "mse", "--epochs", "3", "--batch", "16", "--output", output], stdout, stderr);

        var error = stderr.ToString();
        Assert.Equal(1, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Matches(@"^denoise: the (training loss became (NaN|infinite) in epoch 1, batch \d of 2|validation loss became (NaN|infinite) after epoch 1): training diverged - train again with a lower --lr than 1e10; nothing saved$", error.Trim());
        Assert.Empty(Directory.GetFiles(folder));             // no model, no checkpoint: nothing non-finite was written
    }
}
