using Denoise.Data;
using Denoise.IO;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Tests.Metrics;
using Denoise.Tests.Models;
using Denoise.Training;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static Denoise.Tests.Cli.CliRun;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Tests.Training;

/// <summary>
/// Weights to and from real PyTorch (Debian's python3-torch, the networks of bench/pytorch_reference.py, run by
/// tests/scripts/pytorch_interop.py) give the same outputs on real MNIST test digits; bad files get one-line errors.
/// </summary>
[Collection("torch")]
public sealed class PyTorchInteropTests : IDisposable
{
    private const int Digits = 64;

    /// <summary>
    /// How far the float32 outputs of one network may differ between here (libtorch 2.10) and PyTorch 1.13: their kernels,
    /// chosen by build and CPU, sum in other orders, so each layer adds rounding of a few 1e-7 of activations of order 1;
    /// 1e-5 of the outputs' scale (at least 1) covers a few layers of that, and other weights are over 100 times further off.
    /// </summary>
    private static double Tolerance(Tensor outputs) => 1e-5 * Math.Max(1, outputs.abs().max().item<float>());

    /// <summary>A test's own network with nested names (block.0.weight ...), to show that nothing is specific to one architecture.</summary>
    private sealed class NestedDenoiser : Denoiser
    {
        public const string Name = "test-interop-nested";

        private readonly Sequential block = Sequential(Conv2d(1, 3, 3, padding: 1), ReLU(), Conv2d(3, 1, 3, padding: 1));

        public NestedDenoiser(long seed) : base(nameof(NestedDenoiser))
        {
            RegisterComponents();
            InitializeFrom(seed);
        }

        public override string Architecture => Name;

        public override int SizeMultiple => 1;

        /// <summary>Two 3×3 convolutions.</summary>
        public override int ReceptiveRadius => 2;

        public override Tensor forward(Tensor input) => block.call(input);

        protected override void Initialize(Generator generator)
        {
            foreach (var conv in block.children().OfType<Conv2d>())
                Initialization.GlorotUniform(conv, generator);
        }
    }

    private static readonly Architecture Nested = new(NestedDenoiser.Name, "a test's network with nested names",
        seed => new NestedDenoiser(seed), new TrainingOptions { Loss = DenoisingLoss.MeanSquaredError });

    private static readonly string Script = Path.Combine(DataFolder.FindRepoRoot(AppContext.BaseDirectory)!, "tests", "scripts", "pytorch_interop.py");

    private readonly TempFolder folder = new();
    private readonly ITestOutputHelper log;
    private readonly Tensor clean;
    private readonly string images;

    public PyTorchInteropTests(ITestOutputHelper log)
    {
        this.log = log;
        Architectures.Register(Nested);
        DnCnnDenoiser.Register();
        using var test = DataSets.Load(DataSetKind.Mnist, Split.Test, Digits, DataFolder.Resolve());
        clean = test.Images.clone();
        images = folder.File("digits.f32");
        File.WriteAllBytes(images, clean.bytes.ToArray());
    }

    public void Dispose()
    {
        clean.Dispose();
        folder.Dispose();
    }

    [Theory]
    [InlineData(ConvAutoencoder.ArchitectureName)]
    [InlineData(UNet.ArchitectureName)]
    [InlineData(DnCnnDenoiser.Name)]
    public void Our_trained_weights_give_pytorch_the_same_outputs_on_real_digits(string architecture)
    {
        using var model = TrainedForAFewSteps(architecture);
        using var ours = Outputs(model);

        foreach (var format in Enum.GetValues<WeightFormat>())
        {
            var file = folder.File("ours" + PyTorchWeights.Extension(format));
            PyTorchWeights.Export(model, file, format);
            var theirs = Python("outputs", "--arch", architecture, "--networks", DnCnnDenoiser.PeerNetworks, "--weights", file, "--images", images, "--count", $"{Digits}");

            var difference = (ours - theirs).abs().max().item<float>();
            log.WriteLine($"{architecture}, ours -> PyTorch ({PyTorchWeights.Name(format)}): max |difference| {difference:E2} (outputs up to {ours.abs().max().item<float>():F2})");
            Assert.InRange(difference, 0, Tolerance(ours));
        }
    }

    [Theory]
    [InlineData(ConvAutoencoder.ArchitectureName)]
    [InlineData(UNet.ArchitectureName)]
    [InlineData(DnCnnDenoiser.Name)]
    public void Weights_trained_in_pytorch_give_our_model_its_outputs_on_real_digits(string architecture)
    {
        var (pt, safetensors) = (folder.File("theirs.pt"), folder.File("theirs.safetensors"));
        var theirs = Python("make", "--arch", architecture, "--networks", DnCnnDenoiser.PeerNetworks, "--seed", "3", "--images", images, "--count", $"{Digits}",
            "--pt", pt, "--safetensors", safetensors);

        // The comparison can fail: our model with its own weights is far from PyTorch's.
        using (var untrained = Architectures.Create(architecture, seed: 3))
        using (var unlike = Outputs(untrained))
            Assert.True((unlike - theirs).abs().max().item<float>() > 100 * Tolerance(theirs));
        foreach (var file in new[] { pt, safetensors })
        {
            var (model, metadata) = PyTorchWeights.Import(architecture, file);
            using var _ = model;
            using var ours = Outputs(model);
            // What evaluate and denoise run: the model's fast path, in batches, ending in the model's own output.
            using var denoised = ImageDenoiser.Denoise(model, clean);

            var difference = (ours - theirs).abs().max().item<float>();
            var denoisedDifference = (denoised - (model.HasLogits ? theirs.sigmoid() : theirs)).abs().max().item<float>();
            log.WriteLine($"{architecture}, PyTorch -> ours ({Path.GetExtension(file)}): max |difference| {difference:E2}, through ImageDenoiser {denoisedDifference:E2}");
            Assert.InRange(difference, 0, Tolerance(theirs));
            Assert.InRange(denoisedDifference, 0, Tolerance(theirs));
            Assert.Null(metadata.Training);
            Assert.Empty(metadata.History);
            Assert.Equal(architecture, metadata.Architecture);
            Assert.StartsWith($"{(file == pt ? "PyTorch state dict" : "safetensors")} {Path.GetFileName(file)} (SHA-256 {Checksum.OfFile(file)})", metadata.Source);
        }
    }

    [Fact]
    public void Export_then_import_restores_every_weight_of_any_registered_architecture()
    {
        foreach (var architecture in new[] { ConvAutoencoder.ArchitectureName, NestedDenoiser.Name, DnCnnDenoiser.Name })
        {
            using var model = Architectures.Create(architecture, seed: 8);
            foreach (var format in Enum.GetValues<WeightFormat>())
            {
                var file = folder.File(architecture + PyTorchWeights.Extension(format));
                PyTorchWeights.Export(model, file, format);

                var (back, _) = PyTorchWeights.Import(architecture, file);
                using var __ = back;

                var expected = model.state_dict();
                Assert.Equal(expected.Keys, back.state_dict().Keys);
                foreach (var (name, tensor) in back.state_dict())
                    Assert.True(tensor.equal(expected[name]).all().item<bool>(), $"{architecture} {name} differs after {format}");
            }
        }
    }

    [Fact]
    public void The_command_line_exports_a_model_file_and_imports_it_back()
    {
        using var model = TrainedForAFewSteps(ConvAutoencoder.ArchitectureName);
        var modelFile = folder.File("model.dat");
        ModelFile.Save(modelFile, model, ModelMetadata.For(model, new TrainingOptions(), []));

        var exported = Run("export", "--model", modelFile, "--format", "safetensors");
        var imported = Run("import", "--arch", ConvAutoencoder.ArchitectureName, "--weights", folder.File("model.safetensors"), "--output", folder.File("back.dat"));

        Assert.Equal((0, $"exported conv-autoencoder (12,193 parameters) as safetensors -> {folder.File("model.safetensors")}\n", ""), exported);
        Assert.Equal(0, imported.Exit);
        Assert.StartsWith($"imported conv-autoencoder (12,193 parameters) from {folder.File("model.safetensors")} -> {folder.File("back.dat")}", imported.Output);
        var (back, metadata) = ModelFile.Load(folder.File("back.dat"));
        using var _ = back;
        using var before = Outputs(model);
        using var after = Outputs(back);
        Assert.True(before.equal(after).all().item<bool>());
        Assert.Null(metadata.Training);
        Assert.Contains("safetensors model.safetensors", metadata.Source);
    }

    [Fact]
    public void Export_names_a_wrong_format_and_will_not_write_over_the_model()
    {
        var modelFile = folder.File("model.dat");
        using (var model = Architectures.Create(ConvAutoencoder.ArchitectureName, seed: 1))
            ModelFile.Save(modelFile, model, ModelMetadata.For(model, null, []));
        var before = File.ReadAllBytes(modelFile);

        var onnx = Run("export", "--model", modelFile, "--format", "onnx");
        var over = Run("export", "--model", modelFile, "--format", "pytorch", "--output", modelFile);

        Assert.Equal((2, "", "denoise: format 'onnx' is not known; use safetensors or pytorch (see 'denoise --help')\n"), onnx);
        Assert.Equal((1, "", $"denoise: --output {modelFile} is the model file itself; give another file name\n"), over);
        Assert.Equal(before, File.ReadAllBytes(modelFile));
    }

    [Theory]
    [InlineData("whole-model", "holds a whole pickled model (pytorch_reference.ConvAutoencoder), not its state dict - save one in PyTorch with torch.save(model.state_dict(), path)")]
    [InlineData("list", "holds a list, not a state dict (a dict from parameter names to tensors) - save one in PyTorch with torch.save(model.state_dict(), path)")]
    [InlineData("legacy", "a PyTorch file in the legacy format (before PyTorch 1.6, or saved with _use_new_zipfile_serialization=False), which we cannot read - save one in PyTorch with torch.save(model.state_dict(), path)")]
    [InlineData("nan", "encode1.weight holds NaN or infinite values - export weights from a model that trained without diverging")]
    public void Files_from_pytorch_that_are_not_usable_weights_are_refused_in_one_line(string kind, string message)
    {
        var file = folder.File(kind + ".pt");
        PythonReference.RunScript(Script, "bad", "--kind", kind, "--arch", ConvAutoencoder.ArchitectureName, "--out", file);

        AssertImportFails(file, message);
    }

    [Fact]
    public void Weights_of_another_architecture_are_named_as_such()
    {
        using var model = Architectures.Create(NestedDenoiser.Name, seed: 1);
        var file = folder.File("nested.pt");
        PyTorchWeights.Export(model, file, WeightFormat.PyTorch);

        AssertImportFails(file, $"these are weights of '{NestedDenoiser.Name}', not 'conv-autoencoder' - import them with --arch {NestedDenoiser.Name}");
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_listed()
    {
        var file = folder.File("keys.safetensors");
        SaveState(file, state =>
        {
            state.Remove("output.bias");
            state.Remove("decode2.weight");
            state["module.extra"] = zeros(2);
        });

        AssertImportFails(file, "not the state dict of 'conv-autoencoder': missing decode2.weight, output.bias; unexpected module.extra - export the PyTorch network whose parameter names are those of 'conv-autoencoder' (see bench/pytorch_reference.py)");
    }

    [Fact]
    public void A_weight_of_the_wrong_shape_is_named_with_both_shapes()
    {
        var file = folder.File("shape.pt");
        SaveState(file, state => state["encode1.weight"] = zeros(16, 1, 3, 3), WeightFormat.PyTorch);

        AssertImportFails(file, "encode1.weight is 16x1x3x3 but 'conv-autoencoder' has 32x1x3x3 - is it another network of the same layer names?");
    }

    [Fact]
    public void Integer_weights_are_refused_and_double_precision_ones_converted()
    {
        var ints = folder.File("ints.safetensors");
        SaveState(ints, state => state["output.bias"] = zeros(new long[] { 1 }, ScalarType.Int64));
        var doubles = folder.File("doubles.safetensors");
        SaveState(doubles, state =>
        {
            foreach (var key in state.Keys.ToList())
                state[key] = state[key].to_type(ScalarType.Float64);
        });

        AssertImportFails(ints, "output.bias holds int64 values; weights must be floating point");
        var (model, _) = PyTorchWeights.Import(ConvAutoencoder.ArchitectureName, doubles);
        using var _ = model;
        using var reference = Architectures.Create(ConvAutoencoder.ArchitectureName, seed: 2);
        Assert.True(model.state_dict()["encode1.weight"].equal(reference.state_dict()["encode1.weight"]).all().item<bool>());
    }

    [Fact]
    public void A_batch_count_is_imported_as_the_integer_it_is_and_refused_as_a_float()
    {
        var ints = folder.File("ints.pt");
        SaveState(ints, state => state["body.3.num_batches_tracked"] = tensor(7L), WeightFormat.PyTorch, DnCnnDenoiser.Name);
        var floats = folder.File("floats.safetensors");
        SaveState(floats, state => state["body.3.num_batches_tracked"] = tensor(7f), architecture: DnCnnDenoiser.Name);

        var (model, _) = PyTorchWeights.Import(DnCnnDenoiser.Name, ints);
        using var _ = model;

        Assert.Equal((ScalarType.Int64, 7L), (model.state_dict()["body.3.num_batches_tracked"].dtype, model.state_dict()["body.3.num_batches_tracked"].item<long>()));
        AssertImportFails(floats, "body.3.num_batches_tracked holds float32 values; it is a count (as BatchNorm's num_batches_tracked) and must hold integers",
            DnCnnDenoiser.Name);
    }

    [Theory]
    [InlineData("random", "neither a PyTorch state dict nor a safetensors file - save one in PyTorch with torch.save(model.state_dict(), path), or with safetensors' save_file")]
    [InlineData("empty", "neither a PyTorch state dict nor a safetensors file - save one in PyTorch with torch.save(model.state_dict(), path), or with safetensors' save_file")]
    [InlineData("truncated", "not a valid safetensors file (output.weight's shape [1, 32, 3, 3] and offsets [47616, 48768] do not fit the 48,766 bytes of data) - save one with safetensors' save_file(model.state_dict(), path)")]
    [InlineData("bad-json", "not a valid safetensors file (")]
    [InlineData("other-zip", "a zip file but not one torch.save wrote (no data.pkl) - save one in PyTorch with torch.save(model.state_dict(), path)")]
    [InlineData("huge-header", "neither a PyTorch state dict nor a safetensors file")]
    public void Damaged_or_foreign_files_are_refused_before_anything_large_is_read(string kind, string message)
    {
        var file = folder.File(kind + ".bin");
        var good = folder.File("good.safetensors");
        SaveState(good, _ => { });
        var bytes = File.ReadAllBytes(good);
        switch (kind)
        {
            case "random":
                File.WriteAllBytes(file, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))]);
                break;
            case "empty":
                File.WriteAllBytes(file, []);
                break;
            case "truncated":
                File.WriteAllBytes(file, bytes[..^6]);
                break;
            case "bad-json":
                bytes[9] = (byte)'!';
                File.WriteAllBytes(file, bytes);
                break;
            case "other-zip":
                using (var zip = System.IO.Compression.ZipFile.Open(file, System.IO.Compression.ZipArchiveMode.Create))
                    zip.CreateEntry("notes.txt");
                break;
            default:
                BitConverter.GetBytes((ulong)int.MaxValue).CopyTo(bytes, 0);
                File.WriteAllBytes(file, bytes);
                break;
        }

        AssertImportFails(file, message);
    }

    /// <summary>The CLI's import fails with one line that names the file, exit 1, and writes no model file.</summary>
    private void AssertImportFails(string file, string message, string architecture = ConvAutoencoder.ArchitectureName)
    {
        var output = folder.File("imported.dat");
        var (exit, printed, error) = Run("import", "--arch", architecture, "--weights", file, "--output", output);

        Assert.Equal(1, exit);
        Assert.Equal("", printed);
        Assert.StartsWith($"denoise: {file}: {message}", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(output));
    }

    /// <summary>A seed-2 model's state dict (a conv-autoencoder's unless said), changed by <paramref name="change"/>, saved with PyBridge.</summary>
    private static void SaveState(string file, Action<Dictionary<string, Tensor>> change, WeightFormat format = WeightFormat.SafeTensors,
        string architecture = ConvAutoencoder.ArchitectureName)
    {
        using var scope = NewDisposeScope();
        using var model = Architectures.Create(architecture, seed: 2);
        var state = model.state_dict();
        change(state);
        using var stream = File.Create(file);
        if (format == WeightFormat.PyTorch)
            PyTorchPickler.PickleStateDict(stream, state);
        else
            Safetensors.SaveStateDict(stream, state);
    }

    private Denoiser TrainedForAFewSteps(string architecture)
    {
        var model = Architectures.Create(architecture, seed: 11);
        var recipe = Architectures.Get(architecture).Recipe;
        using var optimizer = optim.Adam(model.parameters(), 1e-2);
        using var step = TrainingStep.For(model, optimizer, recipe.Loss);
        using var noisy = new GaussianNoise(0.5).Apply(clean, seed: 4);
        for (var i = 0; i < 5; i++)
            step.Step(noisy, clean).Dispose();
        model.eval();
        return model;
    }

    /// <summary>What the model computes on the digits, as PyTorch's network of the same name returns it: logits where ours ends in a sigmoid.</summary>
    private Tensor Outputs(Denoiser model)
    {
        model.eval();
        using var noGrad = no_grad();
        return model.HasLogits ? model.ForwardLogits(clean) : model.call(clean);
    }

    private Tensor Python(string mode, params string[] arguments)
    {
        var output = folder.File("outputs.f32");
        PythonReference.RunScript(Script, [mode, .. arguments, "--out", output]);
        var values = File.ReadAllBytes(output);
        Assert.Equal(Digits * 28 * 28 * sizeof(float), values.Length);
        return tensor(values.Chunk(4).Select(b => BitConverter.ToSingle(b)).ToArray(), [Digits, 1, 28, 28]);
    }
}
