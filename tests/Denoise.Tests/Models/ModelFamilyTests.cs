using System.Text.Json;
using Denoise.Imaging;
using Denoise.Models;
using Denoise.Tests.Training;
using Denoise.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Denoise.Tests.Cli.CliRun;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Tests.Models;

/// <summary>
/// A second architecture that exists only in this test, registered at run time, goes through everything a model
/// goes through (trainer, model file, any-size denoising, the evaluate command) with no change to the library.
/// </summary>
[Collection("torch")]
public sealed class ModelFamilyTests : IDisposable
{
    /// <summary>conv 1→4, max-pool, conv 4→4, upsample, conv 4→1: no sigmoid, no fast path, sides must be even.</summary>
    private sealed class TinyDenoiser : Denoiser
    {
        public const string Name = "test-tiny";

        private readonly Conv2d encode = Conv2d(1, 4, 3, padding: 1);
        private readonly MaxPool2d pool = MaxPool2d(2);
        private readonly Conv2d middle = Conv2d(4, 4, 3, padding: 1);
        private readonly Upsample up = Upsample(scale_factor: [2, 2], mode: UpsampleMode.Nearest);
        private readonly Conv2d output = Conv2d(4, 1, 3, padding: 1);

        public TinyDenoiser(long seed) : base(nameof(TinyDenoiser))
        {
            RegisterComponents();
            InitializeFrom(seed);
        }

        public override string Architecture => Name;

        public override int SizeMultiple => 2;

        /// <summary>3×3 at full, half and full resolution: 1 + 2 + 1, and one more for the pooling grid.</summary>
        public override int ReceptiveRadius => 5;

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = pool.call(functional.relu(encode.call(input)));
            x = up.call(functional.relu(middle.call(x)));
            return output.call(x).MoveToOuterDisposeScope();
        }

        protected override void Initialize(Generator generator)
        {
            foreach (var conv in new[] { encode, middle, output })
                Initialization.GlorotUniform(conv, generator);
        }
    }

    private static readonly Architecture Tiny = new(TinyDenoiser.Name, "a test's own network", seed => new TinyDenoiser(seed),
        new TrainingOptions { Epochs = 2, BatchSize = 16, Loss = DenoisingLoss.MeanSquaredError, LearningRate = 1e-2, Seed = 5 });

    private readonly TempFolder folder = new();

    public ModelFamilyTests() => Architectures.Register(Tiny);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_registered_architecture_is_built_by_name_and_summarised_from_its_own_layers()
    {
        using var model = Architectures.Create(TinyDenoiser.Name, seed: 1);

        var summary = model.Summary();

        Assert.IsType<TinyDenoiser>(model);
        Assert.Equal(["conv2d", "max_pooling2d", "conv2d_1", "up_sampling2d", "conv2d_2"], summary.Layers.Select(l => l.Name));
        Assert.Equal(["28x28x4", "14x14x4", "14x14x4", "28x28x4", "28x28x1"], summary.Layers.Select(l => l.ShortShape));
        Assert.Equal((1 * 4 * 9 + 4) + (4 * 4 * 9 + 4) + (4 * 1 * 9 + 1), summary.TotalParameters);
        Assert.Contains(TinyDenoiser.Name, Architectures.Names);
    }

    [Fact]
    public void The_trainer_trains_it_with_the_plain_step_and_the_loss_falls()
    {
        using var data = SyntheticPairs.Make(train: 64, validation: 16, seed: 1);
        using var model = Architectures.Create(TinyDenoiser.Name, Tiny.Recipe.Seed);
        using var adam = optim.Adam(model.parameters());
        using (var step = TrainingStep.For(model, adam, Tiny.Recipe.Loss))
            Assert.IsType<PlainTrainingStep>(step);
        using var trainer = new Trainer(model, Tiny.Recipe with { Epochs = 4 });

        var before = trainer.Evaluate(data.NoisyValidation, data.CleanValidation);
        var history = trainer.Fit(data);

        Assert.Equal(4, history.Count);
        Assert.True(history.Last!.ValLoss < before, $"val_loss {history.Last.ValLoss} not below the untrained {before}");
        // The validation loss is the recipe's MSE of the model's outputs, computed here by hand.
        using var output = model.call(data.NoisyValidation);
        var expected = (output - data.CleanValidation).square().mean().item<float>();
        // Evaluate runs in batches (other kernels, a float64 sum) against one float32 mean here: 1e-5 covers their rounding.
        Assert.Equal(expected, trainer.Evaluate(data.NoisyValidation, data.CleanValidation), expected * 1e-5);
    }

    [Fact]
    public void Its_model_file_loads_back_as_the_same_network()
    {
        var path = folder.File("tiny.dat");
        using var model = Architectures.Create(TinyDenoiser.Name, seed: 2);
        using var input = rand(2, 1, 28, 28, generator: new Generator(3));
        using var before = model.call(input);

        ModelFile.Save(path, model, ModelMetadata.For(model, Tiny.Recipe, []));
        var (loaded, metadata) = ModelFile.Load(path);
        using var _ = loaded;
        using var after = loaded.call(input);

        Assert.IsType<TinyDenoiser>(loaded);
        Assert.Equal((TinyDenoiser.Name, (1L * 4 * 9 + 4) + (4 * 4 * 9 + 4) + (4 * 1 * 9 + 1)), (metadata.Architecture, metadata.ParameterCount));
        Assert.True(after.allclose(before, rtol: 0, atol: 0));
    }

    [Fact]
    public void The_image_denoiser_pads_an_odd_sized_image_to_its_multiple_and_crops_back()
    {
        using var model = Architectures.Create(TinyDenoiser.Name, seed: 4);
        using var image = rand(1, 1, 29, 33, generator: new Generator(5));

        using var result = ImageDenoiser.Denoise(model, image);

        Assert.Equal(image.shape, result.shape);
        // By hand: replicate-pad to 30×34, the plain forward, the top-left 29×33.
        model.eval();
        using var padded = functional.pad(image, [0, 1, 0, 1], PaddingModes.Replicate);
        using var expected = model.call(padded).narrow(2, 0, 29).narrow(3, 0, 33);
        // The same 30 × 34 input through the same forward, so the same kernels: equal but for a few float32 ulps.
        Assert.True(result.allclose(expected, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void The_evaluate_command_scores_it_on_real_test_images()
    {
        var path = folder.File("tiny.dat");
        using (var model = Architectures.Create(TinyDenoiser.Name, seed: 6))
            ModelFile.Save(path, model, ModelMetadata.For(model, Tiny.Recipe, []));

        var (exit, output, error) = Run("evaluate", "--model", path, "--limit", "20", "--json");

        Assert.Equal((0, ""), (exit, error));
        using var json = JsonDocument.Parse(output);
        Assert.Equal(TinyDenoiser.Name, json.RootElement.GetProperty("arch").GetString());
        Assert.Equal(20, json.RootElement.GetProperty("images").GetInt32());
        Assert.True(json.RootElement.GetProperty("denoised").GetProperty("psnr").GetDouble() > 0);
    }

    [Fact]
    public void The_train_command_trains_it_by_name_with_its_recipe()
    {
        var path = folder.File("trained.dat");
        var requests = new List<TrainingOptions>();
        var root = new System.CommandLine.RootCommand("test")
        {
            Denoise.Cli.TrainCommand.Create((options, _) => { requests.Add(options); return SyntheticPairs.Make(32, 8, 2); }),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = Denoise.Cli.CommandRunner.Run(root, ["train", "--arch", TinyDenoiser.Name, "--output", path], output, error);

        Assert.Equal((0, ""), (exit, error.ToString()));
        Assert.Equal(Tiny.Recipe, Assert.Single(requests));
        var metadata = ModelFile.ReadMetadata(path);
        Assert.Equal((TinyDenoiser.Name, 2), (metadata.Architecture, metadata.Epochs));
        Assert.Equal(Tiny.Recipe, metadata.Training);
    }
}
