using Denoise.Models;
using Denoise.Training;
using TorchSharp;
using static Denoise.Tests.Models.FastPathEquivalence;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class UNetTests
{
    private const string Name = UNet.ArchitectureName;

    private static readonly DenoisingLoss Mse = DenoisingLoss.MeanSquaredError;

    [Fact]
    public void Parameter_count_is_219076_by_hand()
    {
        using var model = new UNet(seed: 0);

        // (in·out·k² + out) per layer: stem, encode1, encode2, middle, up2 (1×1 to 4·64), decode2, up1 (1×1 to 4·32), decode1, output.
        long[] layers =
        [
            1 * 16 * 9 + 16, 64 * 32 * 9 + 32, 32 * 64 * 9 + 64, 64 * 96 * 9 + 96, 96 * 256 + 256,
            128 * 64 * 9 + 64, 64 * 128 + 128, 64 * 32 * 9 + 32, 32 * 4 * 9 + 4,
        ];
        Assert.Equal(219_076, layers.Sum());
        Assert.Equal(layers.Sum(), model.ParameterCount);
    }

    [Fact]
    public void The_summary_shows_the_half_resolution_path_of_a_28_pixel_digit()
    {
        using var model = new UNet(seed: 0);

        var summary = model.Summary();

        Assert.Equal(["28x28x16", "14x14x64", "14x14x32", "7x7x32", "7x7x64", "4x4x64", "4x4x96", "4x4x256", "8x8x64", "7x7x64", "7x7x128", "14x14x32", "14x14x32", "14x14x4", "28x28x1"],
            summary.Layers.Select(l => l.ShortShape));
        Assert.Equal(219_076, summary.TotalParameters);
    }

    [Fact]
    public void Weights_follow_pytorchs_default_bounds_and_repeat_with_the_seed()
    {
        using var a = new UNet(seed: 4);
        using var b = new UNet(seed: 4);
        using var c = new UNet(seed: 5);

        foreach (var ((name, p), (_, q)) in a.named_parameters().Zip(b.named_parameters()))
        {
            Assert.True(p.allclose(q, rtol: 0, atol: 0), name);
            var weight = a.named_parameters().First(x => x.name == name.Replace(".bias", ".weight")).parameter;
            var bound = 1 / Math.Sqrt(weight.shape[1] * weight.shape[2] * weight.shape[3]);
            Assert.InRange(p.abs().max().item<float>(), bound * 0.5, bound);
        }
        Assert.False(a.parameters().First().allclose(c.parameters().First(), rtol: 0, atol: 0));
    }

    [Fact]
    public void In_eval_mode_outputs_are_clamped_to_images_and_in_training_a_leaky_relu_lets_them_dip_below_zero()
    {
        using var model = new UNet(seed: 1);
        using var input = rand(3, 1, 28, 28, generator: new Generator(2));

        model.train();
        using var raw = model.call(input);
        model.eval();
        using var clamped = model.call(input);

        Assert.Equal(new long[] { 3, 1, 28, 28 }, clamped.shape);
        Assert.True(clamped.ge(0).all().item<bool>() && clamped.le(1).all().item<bool>());
        Assert.True(clamped.allclose(raw.clamp(0, 1), rtol: 0, atol: 0));
        Assert.True(raw.lt(0).any().item<bool>(), "an untrained U-Net's training output dips below 0 somewhere (the leaky slope); the clamp must matter");
    }

    [Fact]
    public void Fast_step_gives_the_gradients_and_loss_of_the_plain_model() =>
        AssertGradientsMatchThePlainModel(Name, Mse, seed: 1, batch: 40, chunkSize: 16, workers: 1);

    [Fact]
    public void Two_workers_give_the_gradients_and_loss_of_the_plain_model_in_float64() =>
        AssertGradientsMatchThePlainModel(Name, Mse, seed: 2, batch: 40, chunkSize: 16, workers: 2);

    [Fact]
    public void Fast_step_gives_the_plain_gradients_for_mse_plus_ssim() =>
        AssertGradientsMatchThePlainModel(Name, DenoisingLoss.MeanSquaredErrorAndSsim(0.05), seed: 13, batch: 20, chunkSize: 8, workers: 2);

    [Fact]
    public void Fast_step_gives_the_plain_gradients_for_l1() =>
        AssertGradientsMatchThePlainModel(Name, DenoisingLoss.MeanAbsoluteError, seed: 3, batch: 20, chunkSize: 8, workers: 2);

    [Fact]
    public void Binary_cross_entropy_is_refused_for_an_output_that_is_not_a_sigmoid()
    {
        using var model = new UNet(seed: 1);
        var error = Assert.Throws<InvalidTrainingOptionException>(() => new Trainer(model, new TrainingOptions { Loss = DenoisingLoss.BinaryCrossEntropy }));

        Assert.Equal("Loss bce needs outputs in [0, 1] from a sigmoid, which unet does not have; use mse or l1 "
            + "(unet's recipe uses mse+ssim:0.1; bce is the seed model's, the default of a bare TrainingOptions)", error.Message);
    }

    [Fact]
    public void Fast_step_gives_the_plain_gradients_on_sides_that_are_not_multiples_of_8() =>
        // 36: the 9×9 second level pools to 5×5 (ceil) and its upsampling is cropped back to 9×9.
        AssertGradientsMatchThePlainModel(Name, Mse, seed: 4, batch: 6, chunkSize: 4, workers: 2, side: 36);

    [Fact]
    public void Fast_adam_steps_move_the_parameters_like_the_plain_step() =>
        AssertAdamStepsMatchThePlainStep(Name, Mse, seed: 5, batch: 12, chunkSize: 4, workers: 2);   // float64: small, as for the seed model

    [Fact]
    public void Fast_inference_matches_the_plain_model() =>
        AssertInferenceMatchesThePlainModel(Name, seed: 6, batch: 70, batchSize: 32, workers: 2);

    [Theory]
    [InlineData(29, 33)]
    [InlineData(1, 1)]
    [InlineData(45, 20)]
    public void Images_of_any_size_come_back_in_their_own_shape(int height, int width)
    {
        using var model = new UNet(seed: 7);
        using var image = rand(2, 1, height, width, generator: new Generator(8));

        using var denoised = ImageDenoiser.Denoise(model, image);

        Assert.Equal(image.shape, denoised.shape);
        Assert.True(denoised.ge(0).all().item<bool>() && denoised.le(1).all().item<bool>());
    }

    [Theory]
    [InlineData(90, 100, 24)]
    [InlineData(67, 131, 40)]
    public void Tiles_give_what_the_whole_image_gives(int height, int width, int tile)
    {
        using var model = new UNet(seed: 9);
        using var image = rand(1, 1, height, width, generator: new Generator(10));

        using var whole = ImageDenoiser.Denoise(model, image, batchSize: 256, workers: 1, tileSize: 4096);
        using var tiled = ImageDenoiser.Denoise(model, image, batchSize: 256, workers: 1, tileSize: tile);

        // As for the seed model (ImageDenoiserTests): outputs in [0, 1], kernels chosen by size and CPU round
        // differently by a few ulps per layer; a tiling mistake is off by 1e-2 and more.
        var difference = (whole - tiled).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"tiles differ from the whole image by {difference}");
    }

    [Fact]
    public void A_saved_unet_loads_back_with_the_same_outputs()
    {
        using var folder = new TempFolder();
        using var model = new UNet(seed: 11);
        model.eval();
        using var input = rand(2, 1, 28, 28, generator: new Generator(12));
        using var before = model.call(input);

        ModelFile.Save(folder.File("unet.dat"), model, ModelMetadata.For(model, Architectures.Get(Name).Recipe, []));
        var (loaded, metadata) = ModelFile.Load(folder.File("unet.dat"));
        using var _ = loaded;

        Assert.IsType<UNet>(loaded);
        Assert.Equal(Architectures.Get(Name).Recipe, metadata.Training);
        Assert.True(loaded.call(input).allclose(before, rtol: 0, atol: 0));
    }
}
