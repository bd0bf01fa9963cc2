using System.Text;
using Denoise.Models;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class ModelFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("denoise-modelfile-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static ModelMetadata SampleMetadata(ConvAutoencoder model) =>
        ModelMetadata.For(model, new TrainingOptions { Seed = 9, Noise = "gaussian:0.3", BatchSize = 128 },
            [new EpochRecord(1, 0.2, 0.19, 3.5), new EpochRecord(2, 0.15, 0.14, 3.25)]);

    [Fact]
    public void A_saved_model_loads_back_with_the_same_outputs_and_metadata()
    {
        var path = Path.Combine(folder, "models", "autoencoder.dat");
        using var model = new ConvAutoencoder(seed: 21);
        using var input = rand(2, 1, 28, 28, generator: new Generator(1));
        using var before = model.call(input);

        ModelFile.Save(path, model, SampleMetadata(model));
        var (loaded, metadata) = ModelFile.Load(path);
        using var _ = loaded;
        using var after = loaded.call(input);

        Assert.True(after.allclose(before, rtol: 0, atol: 0));
        Assert.Equal(ConvAutoencoder.ArchitectureName, metadata.Architecture);
        Assert.Equal(12_193, metadata.ParameterCount);
        Assert.Equal("gaussian:0.3", metadata.Noise);
        Assert.Equal(9, metadata.Seed);
        Assert.Equal(2, metadata.Epochs);
        Assert.Equal(128, metadata.BatchSize);
        Assert.Equal(new EpochRecord(2, 0.15, 0.14, 3.25), metadata.History[1]);
        Assert.Equal("0.107.0", metadata.TorchSharpVersion);
        Assert.StartsWith(".NET ", metadata.DotNetVersion);
        Assert.Equal(new[] { "autoencoder.dat" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void A_file_without_the_header_is_refused_with_a_hint()
    {
        var path = Path.Combine(folder, "notes.txt");
        File.WriteAllText(path, "hello, not a model");

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));

        Assert.Equal($"{path}: not a denoise model file (no DENOISE-MODEL header) - train one with ./denoise train", error.Message);
    }

    [Fact]
    public void A_model_of_another_architecture_is_refused()
    {
        var path = Path.Combine(folder, "other.dat");
        var json = Encoding.UTF8.GetBytes("""{"Architecture":"Unet/v2"}""");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write(Encoding.ASCII.GetBytes("DENOISE-MODEL\n"));
            writer.Write(json.Length);
            writer.Write(json);
        }

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));

        Assert.Equal($"{path}: model architecture 'Unet/v2' is not 'ConvAutoencoder/keras-denoising-v1'", error.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.02)]
    public void A_truncated_model_file_is_reported_as_such(double keep)
    {
        var path = Path.Combine(folder, "autoencoder.dat");
        using var model = new ConvAutoencoder(seed: 3);
        ModelFile.Save(path, model, SampleMetadata(model));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));

        Assert.StartsWith($"{path}: the model file is truncated or corrupt", error.Message);
    }

    [Fact]
    public void A_missing_model_file_is_named()
    {
        var path = Path.Combine(folder, "nowhere.dat");

        var error = Assert.Throws<FileNotFoundException>(() => ModelFile.Load(path));

        Assert.Contains(path, error.Message);
    }
}
