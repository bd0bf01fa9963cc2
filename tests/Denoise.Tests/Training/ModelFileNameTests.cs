using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;

namespace Denoise.Tests.Training;

/// <summary>Default model names say what a model holds, so that no default replaces another kind of model.</summary>
public sealed class ModelFileNameTests
{
    private static TrainingOptions Recipe(string architecture) => Architectures.Get(architecture).Recipe;

    [Theory]
    [InlineData("conv-autoencoder", null, "mnist", "conv-autoencoder.dat")]
    [InlineData("unet", null, "mnist", "unet.dat")]
    [InlineData("unet", "gaussian:0.1-0.9", "mnist", "unet-blind.dat")]
    [InlineData("unet", null, "fashion-mnist", "unet-fashion.dat")]
    [InlineData("conv-autoencoder", null, "fashion-mnist", "conv-autoencoder-fashion.dat")]
    [InlineData("unet", "gaussian:0.2-0.4", "fashion-mnist", "unet-blind-fashion.dat")]
    [InlineData("unet", "gaussian:0.3", "mnist", "unet-gaussian-0.3.dat")]
    [InlineData("conv-autoencoder", "saltpepper:0.1", "mnist", "conv-autoencoder-saltpepper-0.1.dat")]
    [InlineData("conv-autoencoder", "speckle:0.1-0.5", "mnist", "conv-autoencoder-speckle-0.1-0.5.dat")]
    public void A_model_is_named_after_its_architecture_noise_and_data(string architecture, string? noise, string dataSet, string expected)
    {
        var options = Recipe(architecture) with
        {
            Noise = noise is null ? Recipe(architecture).Noise : NoiseSpec.Parse(noise),
            DataSet = dataSet == "mnist" ? DataSetKind.Mnist : DataSetKind.FashionMnist,
        };

        Assert.Equal(expected, ModelFileName.For(architecture, options));
    }

    [Theory]
    [InlineData("unet", "none", "unet-centred.dat")]
    [InlineData("unet", "shift:2", "unet-augmented.dat")]
    [InlineData("conv-autoencoder", "shift:6,scale:0.8-1.2", "conv-autoencoder-augmented.dat")]
    [InlineData("conv-autoencoder", "none", "conv-autoencoder.dat")]
    public void A_model_trained_without_its_recipes_augmentation_or_with_another_says_so(string architecture, string augmentation, string expected)
    {
        var options = Recipe(architecture) with { Augmentation = DigitAugmentation.Parse(augmentation), FreshNoise = true };

        Assert.Equal(expected, ModelFileName.For(architecture, options));
        Assert.Equal("unet-blind-centred-fashion.dat", ModelFileName.For("unet", Recipe("unet") with
        {
            Noise = NoiseSpec.Parse("gaussian:0.1-0.9"),
            Augmentation = DigitAugmentation.None,
            DataSet = DataSetKind.FashionMnist,
        }));
    }

    [Fact]
    public void Without_options_the_name_is_the_recipes_and_settings_other_than_noise_and_data_do_not_change_it()
    {
        Assert.Equal("unet.dat", ModelFileName.For(UNet.ArchitectureName));
        Assert.Equal("conv-autoencoder.dat", ModelFileName.For("ConvAutoencoder/keras-denoising-v1"));   // an older file's name for it
        Assert.Equal("conv-autoencoder.dat", ModelFileName.For(ConvAutoencoder.ArchitectureName,
            Recipe(ConvAutoencoder.ArchitectureName) with { Epochs = 3, Seed = 7, Limit = 100, BatchSize = 32 }));
    }

    [Fact]
    public void An_unknown_architecture_is_named_in_the_error()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelFileName.For("resnet"));

        Assert.StartsWith("unknown architecture 'resnet'", error.Message);
    }
}
