using Denoise.Models;
using Denoise.Training;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class ArchitecturesTests
{
    [Fact]
    public void The_seed_model_is_registered_with_the_seed_recipe()
    {
        var seed = Architectures.Get(ConvAutoencoder.ArchitectureName);

        using var model = seed.Create(7);

        Assert.IsType<ConvAutoencoder>(model);
        Assert.Equal(new TrainingOptions(), seed.Recipe);
        Assert.Equal(DenoisingLoss.BinaryCrossEntropy, seed.Recipe.Loss);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Architectures.Get("resnet"));

        Assert.Equal($"unknown architecture 'resnet'; known: {Architectures.Names}", error.Message);
        Assert.Contains(ConvAutoencoder.ArchitectureName, Architectures.Names);
    }

    [Fact]
    public void The_first_releases_name_means_the_seed_model() =>
        Assert.Equal(ConvAutoencoder.ArchitectureName, Architectures.Get("ConvAutoencoder/keras-denoising-v1").Name);

    [Fact]
    public void A_taken_name_cannot_be_given_to_another_network()
    {
        var other = new Architecture(ConvAutoencoder.ArchitectureName, "an impostor", seed => new ConvAutoencoder(seed), new TrainingOptions());

        var error = Assert.Throws<ArgumentException>(() => Architectures.Register(other));

        Assert.StartsWith($"architecture '{ConvAutoencoder.ArchitectureName}' is registered already", error.Message);
        Assert.NotEqual("an impostor", Architectures.Get(ConvAutoencoder.ArchitectureName).Description);
    }

    [Fact]
    public void Registering_the_same_architecture_twice_is_harmless()
    {
        var twice = new Architecture("test-twice", "registered twice", seed => new ConvAutoencoder(seed), new TrainingOptions());

        Architectures.Register(twice);
        Architectures.Register(twice);

        Assert.Single(Architectures.All, a => a.Name == "test-twice");
    }
}
