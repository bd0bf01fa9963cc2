using System.Text.Json;
using Denoise.Models;
using Denoise.Tests.Training;
using Denoise.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Denoise.Tests.Cli.CliRun;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

/// <summary>
/// The test-only DnCNN-style network (deep, residual, with BatchNorm; <see cref="DnCnnDenoiser"/>) goes through every
/// path a model goes through, registered from here, with no change to the library: the registry and summary, seeded
/// initialisation, the trainer's plain step (the chunked step refuses batch statistics, for the reasons shown here),
/// model files and checkpoints, any-size denoising in tiles and on workers, and the evaluate command. PyTorch export and
/// import (PyTorchInteropTests), the receptive field (ReceptiveFieldTests) and `bench --arch` with its PyTorch peer
/// (below) take it as well.
/// </summary>
[Collection("torch")]
public sealed class DnCnnDenoiserTests : IDisposable
{
    // conv 1→8 with bias; ten times conv 8→8 without bias and BatchNorm's scale and shift; conv 8→1 with bias.
    private const long Parameters = (1 * 8 * 9 + 8) + 10 * (8 * 8 * 9 + 2 * 8) + (8 * 1 * 9 + 1);

    /// <summary>BatchNorm's running mean and variance, 8 each in ten layers: Keras counts them as non-trainable weights.</summary>
    private const long Statistics = 10 * 2 * 8;

    private readonly TempFolder folder = new();

    public DnCnnDenoiserTests() => DnCnnDenoiser.Register();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void It_is_built_by_name_and_summarised_layer_by_layer_through_its_sequential()
    {
        using var model = Architectures.Create(DnCnnDenoiser.Name, seed: 1);

        var summary = model.Summary();

        Assert.IsType<DnCnnDenoiser>(model);
        Assert.Equal(DnCnnDenoiser.Depth, summary.Layers.Count(l => l.Type == "Conv2D"));
        Assert.Equal(DnCnnDenoiser.Depth - 2, summary.Layers.Count(l => l.Type == "BatchNormalization"));
        Assert.Equal(["conv2d", "re_lu", "conv2d_1", "batch_normalization", "re_lu_1"], summary.Layers.Take(5).Select(l => l.Name));
        Assert.All(summary.Layers, l => Assert.Equal("28x28x" + (l == summary.Layers[^1] ? 1 : 8), l.ShortShape));
        Assert.Equal(8 * 8 * 9 + 0, summary.Layers[2].Parameters);
        Assert.Equal(4 * 8, summary.Layers[3].Parameters);
        Assert.Equal((Parameters, Parameters, Statistics), (model.ParameterCount, summary.TrainableParameters, summary.NonTrainableParameters));
        Assert.True(model.UsesBatchStatistics);
    }

    [Fact]
    public void Its_weights_are_drawn_from_the_seed_alone_with_pytorchs_defaults()
    {
        using var first = Architectures.Create(DnCnnDenoiser.Name, seed: 5);
        using var again = Architectures.Create(DnCnnDenoiser.Name, seed: 5);
        using var other = Architectures.Create(DnCnnDenoiser.Name, seed: 6);

        var (a, b, c) = (first.state_dict(), again.state_dict(), other.state_dict());

        Assert.All(a, p => Assert.True(p.Value.equal(b[p.Key]).all().item<bool>(), $"{p.Key} differs for the same seed"));
        Assert.False(a["body.0.weight"].equal(c["body.0.weight"]).all().item<bool>());
        // PyTorch's defaults: convolutions uniform in ±1/√fan_in (fan_in 8·3·3 = 72 inside), BatchNorm scale 1 and shift 0,
        // running mean 0 and variance 1, no batch counted yet.
        Assert.InRange(a["body.2.weight"].abs().max().item<float>(), 0.8 / Math.Sqrt(72), 1 / Math.Sqrt(72));
        Assert.True(a["body.3.weight"].eq(1).all().item<bool>() && a["body.3.bias"].eq(0).all().item<bool>());
        Assert.True(a["body.3.running_mean"].eq(0).all().item<bool>() && a["body.3.running_var"].eq(1).all().item<bool>());
        Assert.Equal((ScalarType.Int64, 0L), (a["body.3.num_batches_tracked"].dtype, a["body.3.num_batches_tracked"].item<long>()));
    }

    [Fact]
    public void A_layer_initialization_does_not_know_is_named()
    {
        using var generator = new Generator(1);
        using var embedding = nn.Embedding(4, 2);

        var error = Assert.Throws<NotSupportedException>(() => Initialization.PyTorchDefaults(nn.Sequential(embedding), generator));

        Assert.StartsWith("Initialization does not know Embedding", error.Message);
    }

    [Fact]
    public void The_trainer_takes_the_plain_step_and_the_loss_falls()
    {
        using var data = SyntheticPairs.Make(train: 64, validation: 16, seed: 1);
        using var model = Architectures.Create(DnCnnDenoiser.Name, DnCnnDenoiser.Registration.Recipe.Seed);
        using var adam = optim.Adam(model.parameters());
        using (var step = TrainingStep.For(model, adam, DnCnnDenoiser.Registration.Recipe.Loss))
            Assert.IsType<PlainTrainingStep>(step);
        using var trainer = new Trainer(model, DnCnnDenoiser.Registration.Recipe with { Epochs = 3 });

        var before = trainer.Evaluate(data.NoisyValidation, data.CleanValidation);
        var history = trainer.Fit(data);

        Assert.Equal(3, history.Count);
        Assert.True(history.Last!.ValLoss < before, $"val_loss {history.Last.ValLoss} not below the untrained {before}");
        // Validation runs in eval mode (BatchNorm on its running statistics, the output clamped): the MSE computed by hand.
        model.eval();
        using (no_grad())
        using (var output = model.call(data.NoisyValidation))
        {
            var expected = (output - data.CleanValidation).square().mean().item<float>();
            // Evaluate runs in batches (other kernels, a float64 sum) against one float32 mean here: 1e-5 covers their rounding.
            Assert.Equal(expected, trainer.Evaluate(data.NoisyValidation, data.CleanValidation), expected * 1e-5);
        }
        // One running-statistics update per batch: 64 images in batches of 32 for 3 epochs.
        Assert.Equal(3 * 2, model.state_dict()["body.3.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void It_predicts_the_noise_and_clamps_only_in_eval_mode()
    {
        using var model = Architectures.Create(DnCnnDenoiser.Name, seed: 2);
        using var noisy = rand(4, 1, 20, 20, generator: new Generator(3)) * 2 - 0.5;

        model.train();
        using var training = model.call(noisy);
        model.eval();
        using var eval = model.call(noisy);

        // Residual: what comes out is the input minus the predicted noise, so inputs beyond [0, 1] come out beyond it in
        // training, where the loss must see every error, and clamped in eval.
        Assert.True(training.min().item<float>() < 0 && training.max().item<float>() > 1);
        Assert.True(eval.min().item<float>() >= 0 && eval.max().item<float>() <= 1);
    }

    [Fact]
    public void A_bare_training_options_with_the_seed_models_bce_is_refused_in_one_line_with_the_way_out()
    {
        using var model = Architectures.Create(DnCnnDenoiser.Name, seed: 1);

        var error = Assert.Throws<InvalidTrainingOptionException>(() => new Trainer(model, new TrainingOptions()));

        Assert.Equal("Loss", error.Setting);
        Assert.Equal("Loss bce needs outputs in [0, 1] from a sigmoid, which test-dncnn does not have; use mse or l1 "
            + "(test-dncnn's recipe uses mse; bce is the seed model's, the default of a bare TrainingOptions)", error.Message);
    }

    [Fact]
    public void The_chunked_step_refuses_batch_statistics_because_chunks_would_compute_another_gradient()
    {
        using var model = Architectures.Create(DnCnnDenoiser.Name, seed: 4);
        using var noisy = rand(8, 1, 16, 16, generator: new Generator(5));
        using var clean = rand(8, 1, 16, 16, generator: new Generator(6));
        var loss = DenoisingLoss.MeanSquaredError;
        model.train();

        // Why: the batch's gradient, and what two chunks of four would sum to (each scaled by 4/8), differ by far more
        // than float rounding, because each chunk is normalised with its own statistics.
        var whole = Gradients(model, () => loss.Of(model, noisy, clean));
        var chunked = Gradients(model, () => loss.Of(model, noisy.narrow(0, 0, 4), clean.narrow(0, 0, 4)) * 0.5
                                             + loss.Of(model, noisy.narrow(0, 4, 4), clean.narrow(0, 4, 4)) * 0.5);
        var difference = whole.Zip(chunked, (w, c) => (w - c).abs().max().item<float>() / w.abs().max().item<float>()).Max();
        Assert.True(difference > 1e-2, $"chunks changed the gradient by only {difference} of its largest value");

        using var adam = optim.Adam(model.parameters());
        var error = Assert.Throws<ArgumentException>(() => new ChunkedTrainingStep(model, adam, loss, chunkSize: 4, workers: 2));
        Assert.StartsWith("test-dncnn normalises with batch statistics (BatchNorm): in chunks each would get its own statistics", error.Message);
    }

    [Fact]
    public void Its_model_file_and_checkpoint_keep_the_running_statistics()
    {
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 2);
        using var model = Architectures.Create(DnCnnDenoiser.Name, seed: 2);
        using var trainer = new Trainer(model, DnCnnDenoiser.Registration.Recipe with { Epochs = 1 });
        var path = folder.File("dncnn.dat");
        var checkpoint = folder.File("dncnn.ckpt");

        trainer.Fit(data, checkpointPath: checkpoint);
        ModelFile.Save(path, model, trainer.Metadata());
        var (loaded, metadata) = ModelFile.Load(path);
        using var _ = loaded;
        using var resumed = Checkpoint.Resume(checkpoint);
        using var __ = resumed.Model;

        Assert.Equal((DnCnnDenoiser.Name, Parameters, 1), (metadata.Architecture, metadata.ParameterCount, metadata.Epochs));
        foreach (var back in new[] { loaded, resumed.Model })
        {
            var expected = model.state_dict();
            Assert.Equal(expected.Keys, back.state_dict().Keys);
            foreach (var (name, tensor) in back.state_dict())
                Assert.True(tensor.equal(expected[name]).all().item<bool>(), $"{name} differs after loading");
        }
        Assert.Equal(1L, loaded.state_dict()["body.3.num_batches_tracked"].item<long>());
        model.eval();
        using var before = model.call(data.NoisyValidation);
        using var after = loaded.call(data.NoisyValidation);
        Assert.True(after.equal(before).all().item<bool>());
    }

    [Fact]
    public void The_image_denoiser_takes_an_odd_sized_image_whole_in_tiles_and_on_workers()
    {
        using var model = Architectures.Create(DnCnnDenoiser.Name, seed: 4);
        using var image = rand(1, 1, 29, 33, generator: new Generator(5));
        using var many = rand(128, 1, 9, 11, generator: new Generator(6));
        model.train();

        using var result = ImageDenoiser.Denoise(model, image);
        using var tiled = ImageDenoiser.Denoise(model, image, batchSize: 256, workers: 1, tileSize: 8);
        using var onWorkers = ImageDenoiser.Denoise(model, many, batchSize: 256, workers: 2);

        Assert.True(model.training, "the model's mode is restored");
        model.eval();
        using var expected = model.call(image);
        using var expectedMany = model.call(many);
        Assert.Equal(image.shape, result.shape);
        // Eval mode, so BatchNorm's running statistics: any split of the images or of an image gives the same pixels, up
        // to float32 rounding in kernels chosen for other shapes: outputs in [0, 1] keep about 1e-7 per layer, and twelve
        // layers stay well inside 1e-6.
        Assert.True(result.allclose(expected, rtol: 0, atol: 1e-6));
        Assert.True(tiled.allclose(expected, rtol: 0, atol: 1e-6), $"tiles differ by {(tiled - expected).abs().max().item<float>()}");
        Assert.True(onWorkers.allclose(expectedMany, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void The_evaluate_command_scores_it_on_real_test_images()
    {
        var path = folder.File("dncnn.dat");
        using (var model = Architectures.Create(DnCnnDenoiser.Name, seed: 6))
            ModelFile.Save(path, model, ModelMetadata.For(model, DnCnnDenoiser.Registration.Recipe, []));

        var (exit, output, error) = Run("evaluate", "--model", path, "--limit", "20", "--json");

        Assert.Equal((0, ""), (exit, error));
        using var json = JsonDocument.Parse(output);
        Assert.Equal(DnCnnDenoiser.Name, json.RootElement.GetProperty("arch").GetString());
        Assert.True(json.RootElement.GetProperty("denoised").GetProperty("psnr").GetDouble() > 0);
    }

    [Fact]
    public void Bench_compares_it_with_its_pytorch_peer_which_takes_the_plain_step_too()
    {
        var json = folder.File("bench.json");

        var (exit, _, error) = Run("bench", "--arch", DnCnnDenoiser.Name, "--batches", "1", "--threads", "1", "--synthetic",
            "--pytorch-networks", DnCnnDenoiser.PeerNetworks, "--json", json);

        Assert.Equal((0, ""), (exit, error));
        using var result = JsonDocument.Parse(File.ReadAllText(json));
        var root = result.RootElement;
        // The recipe's noise is a range; both sides draw it.
        Assert.Equal((DnCnnDenoiser.Name, "gaussian:0.1-0.9"), (root.GetProperty("arch").GetString(), root.GetProperty("noise").GetString()));
        // Neither side has a fast path for a network with batch statistics: ours takes the plain step, PyTorch's tuned
        // mode the plain loop, chosen by what the network supports.
        Assert.Equal(("plain", "idiomatic", "plain"), (root.GetProperty("ours").GetProperty("path").GetString(),
            root.GetProperty("pytorch").GetProperty("path").GetString(), root.GetProperty("pytorch_tuned").GetProperty("path").GetString()));
        foreach (var side in new[] { "ours", "pytorch", "pytorch_tuned" })
            Assert.True(root.GetProperty(side).GetProperty("train_images_per_s").GetDouble() > 0, $"{side} trained nothing");
    }

    private static List<Tensor> Gradients(Denoiser model, Func<Tensor> loss)
    {
        using var value = loss();
        return [.. autograd.grad([value], [.. model.parameters()]).Select(g => g.detach())];
    }
}
