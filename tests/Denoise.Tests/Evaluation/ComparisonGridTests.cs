using Denoise.Evaluation;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Noise;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Evaluation;

[Collection("torch")]
public sealed class ComparisonGridTests
{
    [Fact]
    public void The_grid_has_a_row_for_the_clean_the_noisy_and_each_models_images()
    {
        using var clean = (rand(4, 1, 28, 28, generator: new Generator(1)) > 0.8).to_type(ScalarType.Float32);
        using var noisy = new GaussianNoise(0.5).Apply(clean, 2);
        using var model = new ConvAutoencoder(seed: 1);

        var grid = ComparisonGrid.Of(clean, noisy, [("seed", model), ("again", model)]);

        Assert.Equal(["clean", "noisy", "seed", "again"], grid.Labels);
        Assert.Equal(4, grid.Columns);
        // Captions (the PSNR under each noisy and denoised image) make the grid taller than four bare rows.
        var bare = Denoise.Imaging.ImageGrid.FromRows([("clean", clean), ("noisy", noisy), ("seed", noisy), ("again", noisy)]);
        Assert.Equal(bare.Height + 3 * grid.CaptionHeight, grid.Height);
    }

    [Fact]
    public void Without_clean_images_there_is_no_clean_row_and_no_captions()
    {
        using var noisy = rand(1, 1, 30, 50, generator: new Generator(3));
        using var model = new ConvAutoencoder(seed: 1);

        var grid = ComparisonGrid.Of(null, noisy, [("seed", model)]);

        Assert.Equal(["noisy", "seed"], grid.Labels);
        Assert.Equal(Denoise.Imaging.ImageGrid.FromRows([("noisy", noisy), ("seed", noisy)]).Height, grid.Height);
    }
}
