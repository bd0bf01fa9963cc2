using System.CommandLine;
using Denoise.Cli;
using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

/// <summary>`train --arch photo-unet` through the command line, on patches of the real training photos, tiny.</summary>
[Collection("torch")]
public sealed class PhotoTrainCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>The training photos and, to validate on, one 32 × 32 crop of a test photo with the run's noise.</summary>
    private static IRunData TinyPhotos(TrainingOptions options)
    {
        var train = Photos.LoadPart(Split.Train);
        using var test = Photos.LoadPart(Split.Test);
        var clean = test.Photos[0].Image.narrow(1, 64, 32).narrow(2, 64, 32).unsqueeze(0).clone();
        return new PhotoTrainingData(train, options.Noise.Apply(clean, options.Seed), clean);
    }

    [Fact]
    public void The_photo_model_trains_under_its_default_name_records_its_recipe_and_resumes()
    {
        var requests = new List<TrainingOptions>();
        var root = new RootCommand("test") { TrainCommand.Create((o, _) => { requests.Add(o); return TinyPhotos(o); }, modelsFolder: folder.Path) };
        string Train(params string[] args)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = CommandRunner.Run(root, ["train", "--arch", PhotoUNet.ArchitectureName, .. args], output, error);
            Assert.True(code == 0, error.ToString());
            return output.ToString();
        }
        var path = Path.Combine(folder.Path, "photo-unet.dat");

        var first = Train("--epochs", "1", "--batch", "4", "--patch", "16", "--batches-per-epoch", "2");
        var second = Train("--resume", "--epochs", "2", "--output", path);

        Assert.Contains($"saved {path} (1 epoch", first);
        Assert.Contains("resuming", second);
        Assert.Contains($"saved {path} (2 epochs", second);
        var (model, metadata) = ModelFile.Load(path);
        model.Dispose();
        var recipe = Architectures.Get(PhotoUNet.ArchitectureName).Recipe;
        Assert.Equal(recipe with { Epochs = 2, Minutes = null, BatchSize = 4, PatchSize = 16, BatchesPerEpoch = 2 }, metadata.Training);
        Assert.Equal((PhotoUNet.ArchitectureName, 2), (metadata.Architecture, metadata.Epochs));
        Assert.All(requests, r => Assert.Equal((DataSetKind.Photos, (NoiseSpec)new GaussianNoise(0, 50 / 255.0)), (r.DataSet, r.Noise)));
    }
}
