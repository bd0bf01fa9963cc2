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

    private static (int Code, string Out, string Err) Run(Func<TrainingOptions, CancellationToken, TrainingData>? load, params string[] args) =>
        Run(load, CancellationToken.None, args);

    private static (int Code, string Out, string Err) Run(Func<TrainingOptions, CancellationToken, TrainingData>? load, CancellationToken stop, params string[] args)
    {
        var root = new RootCommand("test") { TrainCommand.Create(load, stop) };
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
    public void Training_in_bf16_is_recorded_in_the_model_file_and_continued_by_resume()
    {
        var path = Path.Combine(folder, "m.dat");
        var (code, output, error) = Run((_, _) => SyntheticPairs.Make(16, 4, 1),
            "train", "--epochs", "1", "--batch", "8", "--precision", "bf16", "--output", path);
        Assert.Equal((0, ""), (code, error));
        Assert.Contains("  bf16", output);

        var (resumed, resumedOutput, resumedError) = Run((_, _) => SyntheticPairs.Make(16, 4, 1),
            "train", "--resume", "--epochs", "2", "--output", path);

        Assert.Equal((0, ""), (resumed, resumedError));
        Assert.Contains("epoch 2/2", resumedOutput);
        var (model, metadata) = ModelFile.Load(path);
        model.Dispose();
        Assert.Equal(Precision.BFloat16, metadata.Training!.Precision);
        Assert.Equal([Precision.BFloat16, Precision.BFloat16], metadata.History.Select(r => r.Precision));
    }

    [Fact]
    public void Augmentation_and_a_weight_average_are_recorded_and_the_model_file_holds_the_average()
    {
        var path = Path.Combine(folder, "m.dat");

        var (code, _, error) = Run((_, _) => SyntheticPairs.Make(32, 8, 1),
            "train", "--epochs", "2", "--batch", "16", "--fresh-noise", "--augment", "shift:2,composite:0.5", "--ema", "0.9", "--output", path);

        Assert.Equal((0, ""), (code, error));
        var (model, metadata) = ModelFile.Load(path);
        using var _ = model;
        Assert.Equal((DigitAugmentation.Parse("shift:2,composite:0.5"), 0.9), (metadata.Training!.Augmentation, metadata.Training.EmaDecay));
        // The checkpoint holds the trained weights, the model file their average: not the same.
        using var resumed = Checkpoint.Resume(path + ".checkpoint");
        using var trained = resumed.Model;
        Assert.True(model.parameters().Zip(resumed.Result.parameters()).All(p => p.First.eq(p.Second).all().item<bool>()));
        Assert.False(model.parameters().Zip(trained.parameters()).All(p => p.First.eq(p.Second).all().item<bool>()));
    }

    [Fact]
    public void An_augmentation_that_cannot_be_read_is_a_command_line_error()
    {
        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"), "train", "--augment", "shift:six", "--output", Path.Combine(folder, "m.dat"));

        Assert.Equal(2, code);
        Assert.StartsWith("denoise: augmentation 'shift:six': shift 'six' is not a whole number of pixels; use none, or any of", error);
    }

    [Fact]
    public void Without_output_a_model_is_named_after_what_it_holds_and_replaces_no_other()
    {
        var seedModel = Path.Combine(folder, "conv-autoencoder.dat");
        File.WriteAllText(seedModel, "the seed model");
        var root = new RootCommand("test") { TrainCommand.Create((_, _) => SyntheticPairs.Make(16, 4, 1), modelsFolder: folder) };
        (int, string) Train(params string[] args)
        {
            using var output = new StringWriter();
            return (CommandRunner.Run(root, ["train", .. args, "--epochs", "1", "--batch", "8"], output, TextWriter.Null), output.ToString());
        }

        var (blind, blindOutput) = Train("--noise", "gaussian:0.1-0.9");
        var (fashion, _) = Train("--dataset", "fashion-mnist");

        Assert.Equal((0, 0), (blind, fashion));
        Assert.Contains($"saved {Path.Combine(folder, "conv-autoencoder-blind.dat")} (1 epoch", blindOutput);
        Assert.True(File.Exists(Path.Combine(folder, "conv-autoencoder-fashion.dat")));
        Assert.Equal("the seed model", File.ReadAllText(seedModel));
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

    [Fact]
    public void Resume_trains_on_the_checkpoints_data_when_the_options_are_not_repeated()
    {
        var path = Path.Combine(folder, "m.dat");
        Assert.Equal(0, Run((_, _) => SyntheticPairs.Make(16, 4, 1),
            "train", "--epochs", "1", "--batch", "8", "--limit", "16", "--dataset", "fashion-mnist", "--noise", "speckle:0.2", "--output", path).Code);
        var requests = new List<TrainingOptions>();

        var (code, output, error) = Run((o, _) => { requests.Add(o); return SyntheticPairs.Make(16, 4, 1); },
            "train", "--resume", "--epochs", "2", "--output", path);

        Assert.Equal((0, ""), (code, error));
        var request = Assert.Single(requests);
        Assert.Equal((DataSetKind.FashionMnist, (int?)16, (NoiseSpec)new SpeckleNoise(0.2), 8, 2),
            (request.DataSet, request.Limit, request.Noise, request.BatchSize, request.Epochs));
        Assert.Contains("resuming", output);
    }

    [Theory]
    [InlineData("--limit", "32", "--limit 16, not 32")]
    [InlineData("--dataset", "fashion-mnist", "--dataset mnist, not fashion-mnist")]
    [InlineData("--seed", "7", "--seed 42, not 7")]
    [InlineData("--loss", "mse", "--loss bce, not mse")]
    [InlineData("--arch", "test-other", "--arch conv-autoencoder, not test-other")]
    [InlineData("--precision", "bf16", "--precision fp32, not bf16")]
    [InlineData("--augment", "shift:3", "--augment none, not shift:3")]
    [InlineData("--ema", "0.9", "--ema 0, not 0.9")]
    public void Resume_refuses_any_setting_other_than_the_checkpoints(string option, string value, string expected)
    {
        Architectures.Register(new Architecture("test-other", "another name for the seed network", seed => new OtherName(seed), new TrainingOptions()));
        var path = Path.Combine(folder, "m.dat");
        Assert.Equal(0, Run((_, _) => SyntheticPairs.Make(16, 4, 1), "train", "--epochs", "1", "--batch", "8", "--limit", "16", "--output", path).Code);

        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"),
            "train", "--resume", "--epochs", "2", option, value, "--output", path);

        Assert.Equal(1, code);
        Assert.Equal($"denoise: {path}.checkpoint was trained with {expected}; drop {option} or train afresh without --resume\n", error);
    }

    [Theory]
    [InlineData(new[] { "--epochs", "0" }, "--epochs must be a whole number from 1 to 10000, got 0")]
    [InlineData(new[] { "--batch", "-3" }, "--batch must be a whole number from 1 to 1024, got -3")]
    [InlineData(new[] { "--lr", "0" }, "--lr must be a number above 0 and at most 1e10, got 0")]
    [InlineData(new[] { "--limit", "0" }, "--limit must be a whole number from 1 to 60000, got 0")]
    [InlineData(new[] { "--ema", "1" }, "--ema must be a number from 0 to below 1, got 1")]
    public void A_setting_that_cannot_work_is_reported_as_the_options_fault(string[] args, string expected)
    {
        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"),
            ["train", .. args, "--output", Path.Combine(folder, "m.dat")]);

        Assert.Equal(2, code);
        Assert.Equal($"denoise: {expected} (see 'denoise --help')\n", error);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void Augmentation_without_fresh_noise_is_refused_before_training_naming_both()
    {
        // A clash of two options with the recipe is found once the recipe is known, after parsing: a failed step (1).
        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"),
            "train", "--augment", "shift:3", "--output", Path.Combine(folder, "m.dat"));

        Assert.Equal(1, code);
        Assert.Equal("denoise: --augment shift:3 needs fresh noise (the noise goes on after the digits move); add --fresh-noise\n", error);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void Resuming_to_zero_epochs_blames_the_option_not_the_checkpoint()
    {
        var path = Path.Combine(folder, "m.dat");
        Assert.Equal(0, Run((_, _) => SyntheticPairs.Make(16, 4, 1), "train", "--epochs", "1", "--batch", "8", "--output", path).Code);

        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"), "train", "--resume", "--epochs", "0", "--output", path);

        Assert.Equal((2, "denoise: --epochs must be a whole number from 1 to 10000, got 0 (see 'denoise --help')\n"), (code, error));
    }

    [Fact]
    public void An_unknown_architecture_is_refused_with_the_known_ones()
    {
        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"), "train", "--arch", "resnet", "--output", Path.Combine(folder, "m.dat"));

        Assert.Equal((1, $"denoise: unknown architecture 'resnet'; known: {Architectures.Names}\n"), (code, error));
    }

    [Fact]
    public void An_unknown_data_set_is_a_command_line_error()
    {
        var (code, _, error) = Run((_, _) => throw new InvalidOperationException("not reached"), "train", "--dataset", "cifar", "--output", Path.Combine(folder, "m.dat"));

        Assert.Equal(2, code);
        Assert.StartsWith("denoise: data set 'cifar' is not known; use mnist, fashion-mnist or photos", error);
    }

    [Fact]
    public void Stopping_a_resumed_run_says_how_to_continue_it_with_its_own_output()
    {
        var path = Path.Combine(folder, "sub", "m.dat");
        Assert.Equal(0, Run((_, _) => SyntheticPairs.Make(16, 4, 1), "train", "--epochs", "1", "--batch", "8", "--output", path).Code);
        using var stop = new CancellationTokenSource();

        var (code, _, error) = Run((_, _) => { stop.Cancel(); return SyntheticPairs.Make(16, 4, 1); }, stop.Token,
            "train", "--resume", "--epochs", "3", "--output", path);

        Assert.Equal(1, code);
        Assert.Equal($"denoise: training cancelled; {path}.checkpoint holds epoch 1 - continue with ./denoise train --resume --output {path}\n", error);
    }

    /// <summary>The seed network under a second name, so that --arch can differ from a checkpoint's.</summary>
    private sealed class OtherName(long seed) : Denoiser(nameof(OtherName))
    {
        private readonly ConvAutoencoder inner = new(seed);

        public override string Architecture => "test-other";

        public override int SizeMultiple => 4;

        public override int ReceptiveRadius => 16;

        public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor input) => inner.call(input);

        protected override void Initialize(TorchSharp.torch.Generator generator)
        {
        }
    }
}
