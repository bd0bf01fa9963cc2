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

        // Another batch size may get other convolution kernels (chosen by shape and CPU): a few float32 ulps per layer.
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

        // The denoiser runs the fast, equivalent path, which sums in another order: a few float32 ulps per layer of
        // outputs in (0, 1), far below the 1e-5 of this tolerance.
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

        // Both run the model on the same 28 × 28 input, so on the same kernels: equal but for a few ulps.
        Assert.True(viaDenoiser.allclose(viaPadded, rtol: 1e-6, atol: 1e-7));
    }

    [Theory]
    [InlineData(70, 90, 16)]     // many tiles, each side a multiple of the model's 4
    [InlineData(67, 93, 20)]     // ragged: padded to 68×96, tiles of 20 and a partial last row and column
    [InlineData(41, 120, 40)]    // one row of tiles
    [InlineData(3, 700, 16)]     // a thin image: tiles of 4 x 64 (padded rows only in each window)
    [InlineData(700, 2, 16)]     // a tall one: tiles of 64 x 4
    [InlineData(1, 333, 8)]      // one row, ragged: tiles of 4 x 16 and a partial last one
    public void Tiles_give_what_the_whole_image_gives(int height, int width, int tile)
    {
        using var model = NewModel();
        using var image = rand(2, 1, height, width, generator: new Generator(11));

        using var whole = ImageDenoiser.Denoise(model, image, batchSize: 256, workers: 1, tileSize: 4096);
        using var tiled = ImageDenoiser.Denoise(model, image, batchSize: 256, workers: 1, tileSize: tile);

        Assert.Equal(whole.shape, tiled.shape);
        // Outputs in [0, 1]. A tile and the whole image differ in size, and libtorch picks convolution kernels by size
        // and CPU: sums in other orders differ by a few float32 ulps (6e-8 at 1) per layer. 1e-5 allows that; a tiling
        // mistake (a halo too narrow, a tile misplaced) changes pixels by 1e-2 and more.
        var difference = (whole - tiled).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"tiles differ from the whole image by {difference}");
    }

    [Theory]
    [InlineData(1, 67_108_864, 4, 4, 65_536)]     // a row at the pixel limit: 1,024 tiles, not 131,072 of 4 x 512
    [InlineData(67_108_864, 1, 8, 32_768, 8)]     // a column, on the U-Net's grid of 8: 2,048 tiles
    [InlineData(8192, 8192, 4, 512, 512)]         // a square: square tiles
    [InlineData(300, 9000, 4, 300, 872)]          // a wide strip: its height, and the width that keeps the area
    public void A_tile_keeps_its_area_whatever_the_images_shape(long height, long width, int grid, long rows, long columns)
    {
        var shape = ImageDenoiser.TileShape(height, width, ImageDenoiser.TileSize, grid);

        Assert.Equal((rows, columns), shape);
        Assert.True(shape.Rows * shape.Columns <= (long)ImageDenoiser.TileSize * ImageDenoiser.TileSize);
    }

    [Fact]
    public void Tiles_of_a_thin_image_give_what_the_whole_image_gives_for_the_unet_too()
    {
        using var model = new UNet(seed: 7);
        using var image = rand(1, 1, 5, 900, generator: new Generator(13));

        using var whole = ImageDenoiser.Denoise(model, image, batchSize: 256, workers: 1, tileSize: 4096);
        using var tiled = ImageDenoiser.Denoise(model, image, batchSize: 256, workers: 1, tileSize: 16);

        // As for the autoencoder above: a few float32 ulps per layer from kernels chosen by size; a mistake is 1e-2.
        var difference = (whole - tiled).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"tiles differ from the whole image by {difference}");
    }

    [Fact]
    public void A_model_whose_output_is_not_finite_is_an_error_not_an_image()
    {
        using var model = NewModel();
        using (no_grad())
            foreach (var p in model.parameters())
                p.mul_(1e30f);   // finite weights whose activations overflow
        using var image = rand(1, 1, 28, 28, generator: new Generator(12));

        var error = Assert.Throws<InvalidDataException>(() => ImageDenoiser.Denoise(model, image));

        Assert.Equal("the conv-autoencoder model's output holds NaN or infinite values - its weights are unusable; train it again", error.Message);
    }

    private static ConvAutoencoder NewModel() => new(seed: 7);

    private static Tensor Images(int count, int height, int width, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, count * height * width).Select(_ => random.NextSingle()).ToArray();
        return tensor(values).reshape(count, 1, height, width);
    }
}
