using System.CommandLine;
using Denoise.Cli;
using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class TrainCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("denoise-traincmd-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int Code, string Out, string Err) Run(Func<TrainingOptions, CancellationToken, TrainingData>? load, params string[] args)
    {
        var root = new RootCommand("test") { TrainCommand.Create(load) };
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CommandRunner.Run(root, args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Train_writes_a_line_per_epoch_a_checkpoint_and_a_loadable_model()
    {
        var path = Path.Combine(folder, "m.dat");
        var requests = new List<TrainingOptions>();

        var (code, output, error) = Run((r, _) => { requests.Add(r); return SyntheticPairs.Make(32, 8, 1); },
            "train", "--epochs", "2", "--batch", "16", "--seed", "5", "--noise", "gaussian:0.2", "--limit", "32", "--output", path);

        Assert.Equal("", error);
        Assert.Equal(0, code);
        var request = Assert.Single(requests);
        Assert.Equal((DataSetKind.Mnist, (int?)32, (NoiseSpec)new GaussianNoise(0.2), 5L), (request.DataSet, request.Limit, request.Noise, request.Seed));
        Assert.Contains("epoch 1/2  loss ", output);
        Assert.Contains("epoch 2/2  loss ", output);
        Assert.Contains($"saved {path} (2 epochs", output);
        Assert.True(File.Exists(path + ".checkpoint"));
        var (model, metadata) = ModelFile.Load(path);
        model.Dispose();
        Assert.Equal(request, metadata.Training);
        Assert.Equal((ConvAutoencoder.ArchitectureName, 2, 16), (metadata.Architecture, metadata.Epochs, metadata.Training!.BatchSize));
    }

    [Fact]
    public void Resume_refuses_a_noise_other_than_the_checkpoints()
    {
        var path = Path.Combine(folder, "m.dat");
        Assert.Equal(0, Run((_, _) => SyntheticPairs.Make(16, 4, 1), "train", "--epochs", "1", "--batch", "8", "--output", path).Code);

        var (code, _, error) = Run((_, _) => SyntheticPairs.Make(16, 4, 1),
            "train", "--epochs", "2", "--resume", "--noise", "gaussian:0.9", "--output", path);

        Assert.Equal(1, code);
        Assert.Equal($"denoise: {path}.checkpoint was trained with --noise gaussian:0.5, not gaussian:0.9; drop --noise or train afresh without --resume\n", error);
    }

    [Fact]
    public void Resume_without_a_checkpoint_says_so()
    {
        var path = Path.Combine(folder, "none.dat");

        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"), "train", "--resume", "--output", path);

        Assert.Equal(1, code);
        Assert.Equal($"denoise: {path}.checkpoint: no checkpoint to resume from - train without --resume first\n", error);
    }
}
