using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class ImageDenoiserTests
{
    [Theory]
    [InlineData(1, 29, 33)]
    [InlineData(3, 7, 5)]
    [InlineData(2, 1, 1)]
    public void Images_of_any_size_come_back_in_their_own_shape_with_values_in_the_open_unit_interval(int count, int height, int width)
    {
        var model = NewModel();
        var images = Images(count, height, width, seed: 1);

        var denoised = ImageDenoiser.Denoise(model, images);

        Assert.Equal(new long[] { count, 1, height, width }, denoised.shape);
        Assert.True(denoised.gt(0).all().item<bool>() && denoised.lt(1).all().item<bool>(), "sigmoid output must lie in (0, 1)");
    }

    [Fact]
    public void Small_batches_give_the_same_result_as_one_pass()
    {
        var model = NewModel();
        var images = Images(5, 13, 10, seed: 2);

        var onePass = ImageDenoiser.Denoise(model, images);
        var inTwos = ImageDenoiser.Denoise(model, images, batchSize: 2);

        Assert.True(onePass.allclose(inTwos, rtol: 1e-5, atol: 1e-6), "batching changed the output");
    }

    [Fact]
    public void Sizes_already_divisible_by_four_are_passed_to_the_model_unchanged()
    {
        var model = NewModel();
        var images = Images(2, 28, 28, seed: 3);
        model.eval();
        using var noGrad = no_grad();
        var direct = model.call(images);

        var denoised = ImageDenoiser.Denoise(model, images);

        // The denoiser runs the fast, equivalent path, which sums in another order: equal to float tolerance.
        Assert.True(direct.allclose(denoised, rtol: 1e-5, atol: 1e-6), "unpadded input should reach the model as it is");
    }

    [Fact]
    public void The_models_training_mode_is_restored()
    {
        var model = NewModel();
        model.train();

        ImageDenoiser.Denoise(model, Images(1, 8, 8, seed: 4));

        Assert.True(model.training);
    }

    [Fact]
    public void Padding_is_cropped_away_so_the_top_left_pixels_match_a_padded_input()
    {
        // A 26x26 image padded by replication to 28x28 by hand must give the same 26x26 corner.
        var model = NewModel();
        var images = Images(1, 26, 26, seed: 5);
        var padded = nn.functional.pad(images, [0, 2, 0, 2], PaddingModes.Replicate);

        var viaDenoiser = ImageDenoiser.Denoise(model, images);
        var viaPadded = ImageDenoiser.Denoise(model, padded).narrow(2, 0, 26).narrow(3, 0, 26);

        Assert.True(viaDenoiser.allclose(viaPadded, rtol: 1e-6, atol: 1e-7));
    }

    private static ConvAutoencoder NewModel() => new(seed: 7);

    private static Tensor Images(int count, int height, int width, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, count * height * width).Select(_ => random.NextSingle()).ToArray();
        return tensor(values).reshape(count, 1, height, width);
    }
}
