using Denoise.Data;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class PhotoUNetTests : IDisposable
{
    private const string Name = PhotoUNet.ArchitectureName;

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Parameter_count_is_487636_by_hand_within_the_issues_500k()
    {
        using var model = new PhotoUNet(seed: 0);

        static long Conv(int input, int output, int kernel) => input * output * kernel * kernel + output;
        static long Block(int channels) => 2 * Conv(channels, channels, 3);
        // stem (4 planes + σ → 32), blocks and joins down, the middle, 1×1 joins up with their blocks, the output to 4 planes.
        long[] layers =
        [
            Conv(5, 32, 3), Block(32), Conv(32, 64, 2), Block(64), Conv(64, 112, 2), Block(112),
            Conv(112, 4 * 64, 1), Block(64), Conv(64, 4 * 32, 1), Block(32), Conv(32, 4, 3),
        ];
        Assert.Equal(487_636, layers.Sum());
        Assert.Equal(layers.Sum(), model.ParameterCount);
        Assert.True(model.ParameterCount <= 500_000);
    }

    [Theory]
    [InlineData(2, 30, 42)]    // even sides whose quarter grid is odd (15 × 21 → 8 × 11 after padding)
    [InlineData(1, 2, 2)]      // the smallest image: one cell on every grid
    [InlineData(3, 50, 18)]
    public void Forward_keeps_the_shape_where_the_coarser_grids_are_odd(int count, int height, int width)
    {
        using var model = new PhotoUNet(seed: 1);
        using var input = rand(count, 1, height, width, generator: new Generator(2));

        model.train();
        using var output = model.call(input);

        Assert.Equal(input.shape, output.shape);
    }

    [Theory]
    [InlineData(37, 51)]
    [InlineData(1, 9)]
    public void Odd_sized_images_come_back_in_their_own_shape_through_the_image_denoiser(int height, int width)
    {
        using var model = new PhotoUNet(seed: 1);
        using var input = rand(2, 1, height, width, generator: new Generator(3));

        using var output = ImageDenoiser.Denoise(model, input);

        Assert.Equal(input.shape, output.shape);
        Assert.True(output.ge(0).all().item<bool>() && output.le(1).all().item<bool>());
    }

    [Fact]
    public void The_network_is_residual_with_no_predicted_noise_it_returns_its_input()
    {
        using var model = new PhotoUNet(seed: 1);
        using var input = rand(2, 1, 24, 32, generator: new Generator(4));
        var output = model.named_modules().Single(m => m.name == "output").module;
        using (no_grad())
            foreach (var parameter in output.parameters())
                parameter.zero_();

        model.train();
        using var same = model.call(input);
        using var untrained = new PhotoUNet(seed: 1);
        using var changed = untrained.call(input);

        Assert.True(same.eq(input).all().item<bool>(), "input − 0 must be the input, bit for bit");
        Assert.False(changed.eq(input).all().item<bool>(), "an untrained network predicts some noise");
    }

    [Fact]
    public void The_noise_level_is_estimated_from_the_images_unless_given_and_it_changes_the_output()
    {
        using var model = new PhotoUNet(seed: 1);
        model.eval();
        using var clean = full(2, 1, 32, 32, 0.5f);
        using var noisy = new GaussianNoise(25 / 255.0).Apply(clean, seed: 6);

        using var levels = model.EstimateNoiseLevels(noisy)!;
        using var estimated = model.call(noisy);
        using var told = model.ForwardWithNoiseLevels(noisy, levels);
        using var other = model.ForwardWithNoiseLevels(noisy, levels.mul(3));

        Assert.Equal([2L], levels.shape);
        Assert.InRange(levels[0].item<double>(), 15 / 255.0, 35 / 255.0);   // 25/255 as the estimate finds it on 32 × 32
        Assert.True(told.eq(estimated).all().item<bool>());
        Assert.False(other.eq(estimated).all().item<bool>());
        Assert.Throws<ArgumentException>(() => model.ForwardWithNoiseLevels(noisy, levels.narrow(0, 0, 1)));
    }

    [Fact]
    public void The_recipe_trains_blind_on_photo_patches_with_fresh_noise_under_fifteen_minutes()
    {
        var architecture = Architectures.Get(Name);
        var recipe = architecture.Recipe;

        recipe.Validate();
        Assert.Equal(DataSetKind.Photos, recipe.DataSet);
        Assert.Equal(new GaussianNoise(0, 50 / 255.0), recipe.Noise);
        Assert.True(recipe.FreshNoise);
        Assert.Equal(DenoisingLoss.MeanSquaredError, recipe.Loss);
        Assert.True(recipe.Minutes is > 0 and <= 15);
        Assert.IsType<PhotoUNet>(architecture.Create(1));
        Assert.Equal("photo-unet.dat", ModelFileName.For(Name));
        Assert.Equal("photo-unet-mnist.dat", ModelFileName.For(Name, recipe with { DataSet = DataSetKind.Mnist }));
    }

    [Fact]
    public void A_few_steps_on_patches_of_the_real_training_photos_lower_the_validation_loss()
    {
        using var train = Photos.LoadPart(Split.Train);
        using var test = Photos.LoadPart(Split.Test);
        var options = Architectures.Get(Name).Recipe with
        {
            Minutes = null,
            Epochs = 3,
            BatchesPerEpoch = 8,
            BatchSize = 8,
            PatchSize = 32,
            Seed = 3,
            Precision = Precision.Float32,   // the same arithmetic on every machine (the recipe's auto times both)
        };
        var patches = new PhotoPatches(train.Photos, options.PatchSize, options.BatchSize, options.BatchesPerEpoch, options.Noise, options.Seed);
        using var clean = test.Photos[0].Image.narrow(1, 96, 64).narrow(2, 96, 64).unsqueeze(0);
        using var noisy = new GaussianNoise(25 / 255.0).Apply(clean, seed: 8);
        using var model = new PhotoUNet(seed: 3);
        using var trainer = new Trainer(model, options);
        var before = Mse(model, noisy, clean);

        var history = trainer.Fit(patches, noisy, clean);

        Assert.Equal(3, history.Count);
        // Untrained, the network passes the noise through (MSE ≈ (25/255)², less where clipping cut it); 24 steps of
        // Adam at 2e-3 take off a clear share of it.
        Assert.True(history[^1].ValLoss < 0.8 * before, $"val_loss {history[^1].ValLoss} after 24 steps, {before} untrained");
    }

    [Fact]
    public void A_model_file_round_trip_keeps_the_outputs_and_records_the_photo_recipe()
    {
        var path = Path.Combine(folder.Path, "photo-unet.dat");
        using var model = new PhotoUNet(seed: 4);
        model.eval();
        using var input = rand(1, 1, 40, 24, generator: new Generator(5));
        using var before = model.call(input);
        var options = Architectures.Get(Name).Recipe with { Epochs = 2 };

        ModelFile.Save(path, model, ModelMetadata.For(model, options, [new EpochRecord(1, 0.01, 0.009, 3), new EpochRecord(2, 0.008, 0.007, 3)]));
        var (loaded, metadata) = ModelFile.Load(path);
        using var _ = loaded;
        loaded.eval();
        using var after = loaded.call(input);

        Assert.IsType<PhotoUNet>(loaded);
        Assert.True(after.eq(before).all().item<bool>());
        Assert.Equal(options, metadata.Training);
    }

    [Theory]
    [InlineData(75, 93, 24)]     // odd sides, padded to 76 × 94; tiles of 24 and ragged last ones
    [InlineData(41, 130, 40)]    // one row of tiles
    public void Tiles_of_an_odd_sized_image_give_what_the_whole_image_gives(int height, int width, int tile)
    {
        using var model = new PhotoUNet(seed: 6);
        using var clean = rand(1, 1, height, width, generator: new Generator(7)).mul_(0.5).add_(0.25);
        using var image = new GaussianNoise(20 / 255.0).Apply(clean, seed: 9);

        using var whole = ImageDenoiser.Denoise(model, image, batchSize: 16, workers: 1, tileSize: 4096);
        using var tiled = ImageDenoiser.Denoise(model, image, batchSize: 16, workers: 1, tileSize: tile);

        // Outputs in [0, 1]. A tile and the whole image differ in size, and libtorch picks convolution kernels by size
        // and CPU: sums in other orders differ by a few float32 ulps (6e-8 at 1) per layer, over the network's 17
        // convolutions. 1e-5 allows that; a tiling mistake (a halo too narrow, a level estimated per tile) changes
        // pixels by 1e-3 and more.
        var difference = (whole - tiled).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"tiles differ from the whole image by {difference}");
    }

    private static double Mse(Denoiser model, Tensor noisy, Tensor clean)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        return nn.functional.mse_loss(model.call(noisy), clean).item<float>();
    }
}
