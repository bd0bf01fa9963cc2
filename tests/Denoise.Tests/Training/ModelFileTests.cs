using System.Text;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class ModelFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("denoise-modelfile-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly TrainingOptions SampleOptions = new()
    {
        Seed = 9, Noise = new GaussianNoise(0.3), BatchSize = 128, Limit = 500, Loss = DenoisingLoss.MeanSquaredError,
        DataSet = Denoise.Data.DataSetKind.FashionMnist,
    };

    private static ModelMetadata SampleMetadata(Denoiser model) =>
        ModelMetadata.For(model, SampleOptions, [new EpochRecord(1, 0.2, 0.19, 3.5), new EpochRecord(2, 0.15, 0.14, 3.25)]);

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
        Assert.IsType<ConvAutoencoder>(loaded);
        Assert.Equal(ConvAutoencoder.ArchitectureName, metadata.Architecture);
        Assert.Equal(12_193, metadata.ParameterCount);
        Assert.Equal(SampleOptions, metadata.Training);   // typed, whole: data set, limit, noise, seed, loss...
        Assert.Equal(2, metadata.Epochs);
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
    public void A_model_of_an_unknown_architecture_is_refused_with_the_known_ones()
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

        Assert.Equal($"{path}: unknown architecture 'Unet/v2'; known: {Architectures.Names}", error.Message);
    }

    [Fact]
    public void A_model_file_of_the_first_release_loads_under_its_old_architecture_name()
    {
        // The first release wrote "ConvAutoencoder/keras-denoising-v1"; the weights are the same network's.
        var path = Path.Combine(folder, "old.dat");
        using var model = new ConvAutoencoder(seed: 5);
        var json = Encoding.UTF8.GetBytes("""{"Architecture":"ConvAutoencoder/keras-denoising-v1","Noise":"gaussian:0.5","Seed":42}""");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write(Encoding.ASCII.GetBytes(ModelFile.Magic));
            writer.Write(json.Length);
            writer.Write(json);
            model.save(writer);
        }

        var (loaded, metadata) = ModelFile.Load(path);
        using var _ = loaded;

        Assert.IsType<ConvAutoencoder>(loaded);
        Assert.Null(metadata.Training);
        Assert.All(model.parameters().Zip(loaded.parameters()), p => Assert.True(p.First.allclose(p.Second, rtol: 0, atol: 0)));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_model_with_non_finite_weights_is_refused_by_name(float bad)
    {
        var path = Path.Combine(folder, "nan.dat");
        using var model = new ConvAutoencoder(seed: 3);
        using (no_grad())
            model.parameters().ElementAt(2)[0, 0, 1, 1] = bad;
        ModelFile.Save(path, model, SampleMetadata(model));

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));

        Assert.Equal($"{path}: the weights hold NaN or infinite values (in encode2.weight) - train it again with ./denoise train", error.Message);
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
