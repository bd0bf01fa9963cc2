using Denoise.Models;
using Denoise.Tests.Models;
using Denoise.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Tests.Training;

/// <summary>
/// Mixed precision (bf16 on a copy of the model, fp32 master weights, Adam and losses) gives what fp32 gives, to the
/// precision of bf16: its steps (plain and chunked, one and two workers), a model with batch norm, inference, and the
/// trainer, which records what it ran. These hold on any CPU: without native bf16 libtorch emulates it, slowly but alike.
/// </summary>
[Collection("torch")]
public sealed class MixedPrecisionTests(ITestOutputHelper log)
{
    /// <summary>
    /// bf16 keeps 8 significant bits: every weight, activation and gradient the copy computes with is off by up to
    /// 2^-9 ≈ 0.2 % of itself. The loss, a mean over many pixels, averages these errors away (measured within 0.02 %
    /// of the float64 mathematics, where fp32 is within 1e-7). A weight's gradient is a sum over every pixel of the
    /// batch of terms of both signs, so the rounding of each term shows magnified in the sum: measured 0.3-2 % for most
    /// tensors and up to 5.5 % for the U-Net's bottleneck (fp32: 1e-6). So 1 % for the loss and 15 % for a gradient:
    /// room for other kernels (AVX2 emulates bf16), and still far below what a wrong gradient is off by (a lost chunk
    /// of the batch, a wrong scale or a missing term: 30 % and more).
    /// </summary>
    private const double LossTolerance = 0.01;

    /// <inheritdoc cref="LossTolerance"/>
    private const double GradientTolerance = 0.15;

    /// <summary>A test-only network with batch norm (no fast path): the plain step and a copy whose batch norm stays fp32.</summary>
    private sealed class BatchNormDenoiser : Denoiser
    {
        public const string Name = "test-batchnorm";

        private readonly Conv2d encode = Conv2d(1, 8, 3, padding: 1, bias: false);
        private readonly BatchNorm2d norm = BatchNorm2d(8);
        private readonly Conv2d output = Conv2d(8, 1, 3, padding: 1);

        public BatchNormDenoiser(long seed) : base(nameof(BatchNormDenoiser))
        {
            RegisterComponents();
            InitializeFrom(seed);
        }

        public override string Architecture => Name;

        public override int SizeMultiple => 1;

        public override int ReceptiveRadius => 2;

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return output.call(functional.relu(norm.call(encode.call(input)))).MoveToOuterDisposeScope();
        }

        protected override void Initialize(Generator generator)
        {
            Initialization.PyTorchDefault(encode, generator);
            Initialization.PyTorchDefault(output, generator);
        }
    }

    private static readonly Architecture BatchNorm = new(BatchNormDenoiser.Name, "a test's network with batch norm",
        seed => new BatchNormDenoiser(seed), new TrainingOptions { Loss = DenoisingLoss.MeanSquaredError, BatchSize = 16 });

    static MixedPrecisionTests()
    {
        Architectures.Register(BatchNorm);
        DnCnnDenoiser.Register();
    }

    [Theory]
    [InlineData(UNet.ArchitectureName, false, 1)]
    [InlineData(UNet.ArchitectureName, true, 1)]
    [InlineData(UNet.ArchitectureName, true, 2)]
    [InlineData(ConvAutoencoder.ArchitectureName, false, 1)]
    [InlineData(ConvAutoencoder.ArchitectureName, true, 2)]
    [InlineData(BatchNormDenoiser.Name, false, 1)]
    [InlineData(PhotoUNet.ArchitectureName, false, 1)]
    public void A_bf16_step_gives_the_loss_and_gradients_of_the_plain_model_to_bf16s_precision(string architecture, bool chunked, int workers)
    {
        var loss = Architectures.Get(architecture).Recipe.Loss;
        using var model = Architectures.Create(architecture, seed: 21);
        var (noisy, clean) = DigitLikePairs(24, seed: 21);
        using var reference = FastPathEquivalence.CopyOf(model);
        reference.to(float64);
        reference.train();
        using var referenceLoss = loss.Of(reference, noisy.to(float64), clean.to(float64));
        referenceLoss.backward();

        using var sgd = optim.SGD(model.parameters(), learningRate: 0.0);
        using TrainingStep step = chunked
            ? new ChunkedTrainingStep(model, sgd, loss, chunkSize: 8, workers, Precision.BFloat16)
            : new PlainTrainingStep(model, sgd, loss, Precision.BFloat16);
        using var value = step.Step(noisy, clean);

        Assert.Equal(Precision.BFloat16, step.Precision);
        Assert.Equal(ScalarType.Float32, value.dtype);   // the loss is computed in fp32
        var lossError = Math.Abs(value.item<float>() / referenceLoss.item<double>() - 1);
        log.WriteLine($"{architecture} ({(chunked ? $"chunked, {workers} workers" : "plain")}): loss off by {lossError:P3}");
        Assert.InRange(lossError, 0, LossTolerance);
        var worst = 0.0;
        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(reference.named_parameters()))
        {
            Assert.Equal(ScalarType.Float32, p.grad!.dtype);   // the master's gradients are fp32
            var error = (p.grad!.to(float64) - q.grad!).norm().item<double>() / q.grad!.norm().item<double>();
            log.WriteLine($"  {name}: gradient off by {error:P2}");
            Assert.InRange(error, 0, GradientTolerance);
            worst = Math.Max(worst, error);
        }
        // fp32 gradients agree to about 1e-6: these were computed in bf16.
        Assert.True(worst > 1e-4, $"gradients within {worst:E1} of float64 were not computed in bf16");
    }

    /// <summary>
    /// Noisy/clean pairs like MNIST's: dark images with bright 4×4 blocks (a third of the pixels), Gaussian noise.
    /// Uniform random targets would not do: an untrained model's outputs sit at their mean, and every gradient would be
    /// a small difference of large sums of both signs, which any rounding (fp32's too, at its scale) dominates.
    /// </summary>
    private static (Tensor Noisy, Tensor Clean) DigitLikePairs(int count, int seed)
    {
        using var generator = new Generator((ulong)seed);
        var blocks = (rand([count, 1, 7, 7], generator: generator) > 0.67).to_type(ScalarType.Float32);
        var clean = functional.interpolate(blocks, size: [28, 28], mode: InterpolationMode.Nearest);
        return ((clean + 0.5 * randn([count, 1, 28, 28], generator: generator)).clamp_(0, 1), clean);
    }

    [Fact]
    public void A_deep_batch_norm_network_takes_bf16_steps_with_the_fp32_loss_and_statistics()
    {
        // The test-only DnCNN (eleven BatchNorms, the plain step): its forward in bf16 gives the loss and each layer's
        // batch statistics of fp32 to bf16's precision. Its gradients at initialisation are small sums of large terms,
        // which bf16 puts 20-50 % off the float64 ones in PyTorch 1.13's autocast on the same network as in ours (23 %
        // at worst here), so no gradient tolerance is asserted for it.
        var (noisy, clean) = DigitLikePairs(24, seed: 22);
        using var model = Architectures.Create(DnCnnDenoiser.Name, seed: 3);
        using var twin = FastPathEquivalence.CopyOf(model);
        var loss = DenoisingLoss.MeanSquaredError;
        using var sgd = optim.SGD(model.parameters(), learningRate: 0.0);
        using var twinSgd = optim.SGD(twin.parameters(), learningRate: 0.0);
        using var bf16 = TrainingStep.For(model, sgd, loss, precision: Precision.BFloat16);
        using var fp32 = TrainingStep.For(twin, twinSgd, loss);

        using var value = bf16.Step(noisy, clean);
        using var expected = fp32.Step(noisy, clean);

        Assert.IsType<PlainTrainingStep>(bf16);   // batch statistics: never the chunked step
        Assert.Equal(expected.item<float>(), value.item<float>(), expected.item<float>() * LossTolerance);
        var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, want) in twin.named_buffers().Where(b => b.name.EndsWith("running_mean") || b.name.EndsWith("running_var")))
        {
            Assert.Equal(ScalarType.Float32, buffers[name].dtype);
            // Averages over the batch of bf16 convolution outputs: 2 % covers their rounding through eleven layers.
            FastPathEquivalence.AssertClose(want, buffers[name], name, rtol: 0.02, atol: 1e-3);
        }
    }

    [Fact]
    public void Adam_updates_the_fp32_master_weights_not_bf16_copies_of_them()
    {
        var (model, noisy, clean) = FastPathEquivalence.Setup(UNet.ArchitectureName, seed: 22, batch: 16);
        using var _ = model;
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        using var adam = optim.Adam(model.parameters(), lr: 1e-3);
        using var step = TrainingStep.For(model, adam, DenoisingLoss.MeanSquaredError, chunkSize: 8, workers: 2, precision: Precision.BFloat16);

        step.Step(noisy, clean).Dispose();
        step.Step(noisy, clean).Dispose();

        foreach (var (p, old) in model.parameters().Zip(before))
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.ne(old).any().item<bool>(), "Adam moved every parameter");
            // Adam's fp32 steps of 1e-3 land between bf16 values (2^-8 apart near 0.05): a master rounded to bf16 would not.
            Assert.True(p.ne(p.to(bfloat16).to(float32)).any().item<bool>(), "the master weights must keep fp32 precision");
        }
        before.ForEach(t => t.Dispose());
    }

    [Fact]
    public void Batch_norm_stays_fp32_in_the_copy_and_its_running_statistics_reach_the_master()
    {
        var (model, noisy, clean) = FastPathEquivalence.Setup(BatchNormDenoiser.Name, seed: 23, batch: 16);
        using var _ = model;
        using var twin = FastPathEquivalence.CopyOf(model);
        using var copy = Architectures.CreateBFloat16Copy(model);
        var types = copy.Network.named_parameters().Select(p => (p.name, p.parameter.dtype))
            .Concat(copy.Network.named_buffers().Select(b => (b.name, b.buffer.dtype))).ToDictionary();
        Assert.Equal(ScalarType.BFloat16, types["encode.weight"]);
        Assert.Equal(ScalarType.Float32, types["norm.weight"]);
        Assert.Equal(ScalarType.Float32, types["norm.running_var"]);
        Assert.Equal(ScalarType.Int64, types["norm.num_batches_tracked"]);

        using var sgd = optim.SGD(model.parameters(), learningRate: 0.0);
        using var twinSgd = optim.SGD(twin.parameters(), learningRate: 0.0);
        using (var bf16 = TrainingStep.For(model, sgd, DenoisingLoss.MeanSquaredError, precision: Precision.BFloat16))
            bf16.Step(noisy, clean).Dispose();
        using (var fp32 = TrainingStep.For(twin, twinSgd, DenoisingLoss.MeanSquaredError))
            fp32.Step(noisy, clean).Dispose();

        var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var expected = twin.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        Assert.Equal(1, buffers["norm.num_batches_tracked"].item<long>());
        Assert.Equal(ScalarType.Float32, buffers["norm.running_mean"].dtype);
        // The statistics are averages over the batch of one bf16 convolution's outputs: 1 % covers bf16's rounding.
        foreach (var name in new[] { "norm.running_mean", "norm.running_var" })
            FastPathEquivalence.AssertClose(expected[name], buffers[name], name, rtol: 0.01, atol: 1e-4);
    }

    [Theory]
    [InlineData(UNet.ArchitectureName)]
    [InlineData(ConvAutoencoder.ArchitectureName)]
    [InlineData(PhotoUNet.ArchitectureName)]
    public void Bf16_inference_gives_the_fp32_images_to_bf16s_precision(string architecture)
    {
        var (model, noisy, _) = FastPathEquivalence.Setup(architecture, seed: 24, batch: 70);
        using var _ = model;
        using var copy = Architectures.CreateBFloat16Copy(model);

        using var expected = ImageDenoiser.Denoise(model, noisy, batchSize: 32, workers: 2);
        using var actual = ImageDenoiser.Denoise(copy.Network, noisy, batchSize: 32, workers: 2);

        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        var worst = (expected - actual).abs().max().item<float>();
        var mean = (expected - actual).abs().mean().item<float>();
        log.WriteLine($"{architecture}: bf16 images off by {mean:E2} on average, {worst:E2} at worst");
        // Outputs in [0, 1]: bf16 itself rounds values near 1 to 2^-8 (one grey level of 256); the network's rounding adds
        // up to a few levels on a few pixels. A wrong copy (weights not loaded, a layer skipped) is off by tenths.
        Assert.InRange(mean, 0, 0.005);
        Assert.InRange(worst, 0, 0.05);
    }

    [Fact]
    public void A_bf16_copy_of_a_model_of_another_architecture_is_refused()
    {
        using var master = new UNet(seed: 1);
        using var other = new ConvAutoencoder(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => new BFloat16Copy(master, other));

        Assert.StartsWith("a bf16 copy of a unet model must be a UNet, not a ConvAutoencoder", error.Message);
    }

    [Fact]
    public void The_trainer_trains_validates_and_records_in_bf16()
    {
        using var data = SyntheticPairs.Make(train: 48, validation: 16, seed: 4);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 3, QualityImages = 8 };
        using var bf16Model = new ConvAutoencoder(seed: 3);
        using var fp32Model = new ConvAutoencoder(seed: 3);
        using var bf16 = new Trainer(bf16Model, options with { Precision = Precision.BFloat16 });
        using var fp32 = new Trainer(fp32Model, options);

        var history = bf16.Fit(data);
        var expected = fp32.Fit(data);

        Assert.Equal(new PrecisionChoice(Precision.BFloat16, "as asked"), bf16.Precision);
        Assert.All(history, r => Assert.Equal(Precision.BFloat16, r.Precision));
        Assert.All(expected, r => Assert.Equal(Precision.Float32, r.Precision));
        Assert.EndsWith("  bf16", history[0].Describe(2));
        // Two epochs of bf16 steps follow the fp32 run closely (the tolerance above, compounded over 6 steps).
        foreach (var (got, want) in history.Zip(expected))
        {
            Assert.Equal(want.Loss, got.Loss, want.Loss * 0.03);
            Assert.Equal(want.ValLoss, got.ValLoss, want.ValLoss * 0.03);
            Assert.Equal(want.ValPsnr!.Value, got.ValPsnr!.Value, 0.2);
        }
        Assert.Equal(Precision.BFloat16, bf16.Metadata().Training!.Precision);
    }

    [Fact]
    public void Auto_is_fp32_on_a_cpu_without_native_bf16_and_the_choice_is_recorded()
    {
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 5);
        using var model = new ConvAutoencoder(seed: 3);
        var clock = new ManualClock();
        using var trainer = new Trainer(model, new TrainingOptions { Epochs = 1, BatchSize = 16, Precision = Precision.Auto },
            probe: new PrecisionProbe(nativeBFloat16: false, "no bf16 here", clock));
        Assert.Null(trainer.Precision);   // chosen when training starts

        var history = trainer.Fit(data);

        Assert.Equal(Precision.Float32, trainer.Precision!.Used);
        Assert.Equal(Precision.Float32, history[0].Precision);
        Assert.Equal(Precision.Auto, trainer.Metadata().Training!.Precision);   // the setting stays what was asked
        Assert.Equal(0, clock.Reads);
    }

    [Fact]
    public void Auto_is_bf16_on_a_cpu_with_native_bf16_when_the_timing_says_so()
    {
        using var data = SyntheticPairs.Make(train: 32, validation: 8, seed: 6);
        using var model = new ConvAutoencoder(seed: 3);
        // The probe times each round fp32 first, then bf16, two clock readings each: this clock makes bf16 take half as long.
        var clock = new AlternatingClock(TimeSpan.FromMilliseconds(80), TimeSpan.FromMilliseconds(40));
        using var trainer = new Trainer(model, new TrainingOptions { Epochs = 1, BatchSize = 16, Precision = Precision.Auto },
            probe: new PrecisionProbe(nativeBFloat16: true, "avx512_bf16 in /proc/cpuinfo", clock));

        var history = trainer.Fit(data);

        Assert.Equal(Precision.BFloat16, trainer.Precision!.Used);
        Assert.Contains("a training step of 16 images took 40 ms in bf16 and 80 ms in fp32", trainer.Precision.Reason);
        Assert.Equal(Precision.BFloat16, history[0].Precision);
    }

    /// <summary>A clock whose readings come in (start, end) pairs that alternate between two durations.</summary>
    private sealed class AlternatingClock(TimeSpan first, TimeSpan second) : TimeProvider
    {
        private long ticks;
        private int reads;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            // Reading 0 starts a first-kind timing, reading 1 ends it, 2 starts a second-kind one, 3 ends it, ...
            if (reads % 2 == 1)
                ticks += (reads % 4 == 1 ? first : second).Ticks;
            reads++;
            return ticks;
        }
    }
}
