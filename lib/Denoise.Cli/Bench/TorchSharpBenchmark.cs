using System.Diagnostics;
using Denoise.Data;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Randomness;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Cli.Bench;

/// <summary>
/// Our side of `denoise bench`: the same protocol as bench/pytorch_reference.py (same architecture, data, noise,
/// optimiser, batch, warm-up and repeats), so the two sides' numbers compare directly. Training goes through
/// <see cref="TrainingStep.For"/> and inference through <see cref="ImageDenoiser"/>, as in `denoise train` and `denoise denoise`,
/// in the settings' precision.
/// </summary>
public static class TorchSharpBenchmark
{
    private const int Batch = BenchmarkSettings.BatchSize;

    public static BenchmarkResult Measure(BenchmarkSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Batches, 1);
        torch.set_num_threads(settings.Threads);
        manual_seed(0);
        // Earlier rounds' managed arrays (the MNIST file, its float copy) must not count towards this round's peak.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var scope = NewDisposeScope();

        var clock = Stopwatch.StartNew();
        var images = LoadImages(settings.MnistFolder, out var loaded);
        var dataLoad = loaded ? clock.Elapsed.TotalSeconds : (double?)null;

        var recipe = settings.Recipe;
        using var model = Architectures.Create(settings.Architecture, seed: 0);
        using var adam = Adam.For(model.parameters(), recipe);
        using var step = settings.Plain
            ? new PlainTrainingStep(model, adam, recipe.Loss, settings.Precision)
            : TrainingStep.For(model, adam, recipe.Loss, settings.ChunkSize, settings.Workers, settings.Precision);
        var batches = MakeBatches(images, settings.Warmup + settings.Batches, recipe, seed: 1);

        PeakMemory.Reset();
        foreach (var (noisy, clean) in batches.Take(settings.Warmup))
            step.Step(noisy, clean).Dispose();
        clock.Restart();
        var cpu = CpuTime();
        var losses = batches.Skip(settings.Warmup).Select(b => step.Step(b.Noisy, b.Clean)).ToList();
        _ = losses[^1].item<float>();   // one sync at the end, as a loop that logs per epoch does
        var trainSeconds = clock.Elapsed.TotalSeconds;
        var trainCpu = (CpuTime() - cpu) / settings.Batches;
        var peak = PeakMemory.PeakMegabytes();

        // Inference in bf16 runs a bf16 copy of the trained weights, made once (as `denoise --precision bf16` does).
        using var copy = settings.Precision == Precision.BFloat16 ? Architectures.CreateBFloat16Copy(model) : null;
        var denoiser = copy?.Network ?? model;
        var test = images.narrow(0, 0, Math.Min(images.shape[0], Batch * 8));
        var inferRates = new List<double>();
        var inferCpu = new List<double>();
        for (var rep = 0; rep < 4; rep++)
        {
            clock.Restart();
            cpu = CpuTime();
            Predict(denoiser, test, settings.Plain).Dispose();
            if (rep > 0)
            {
                inferRates.Add(test.shape[0] / clock.Elapsed.TotalSeconds);
                inferCpu.Add((CpuTime() - cpu) * Batch / test.shape[0]);
            }
        }

        var one = images.narrow(0, 0, 1);
        var latencies = new List<double>();
        for (var i = 0; i < 220; i++)
        {
            clock.Restart();
            Predict(denoiser, one, settings.Plain).Dispose();
            if (i >= 20)
                latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        return new BenchmarkResult(settings.Batches * Batch / trainSeconds, Statistics.Median(inferRates), Statistics.Median(latencies),
            peak, dataLoad, trainCpu, Statistics.Median(inferCpu), step is ChunkedTrainingStep ? "fast" : "plain");
    }

    /// <summary>
    /// What <paramref name="asked"/> means for the bench: fp32 or bf16 as they are; auto as the trainer resolves it
    /// (<see cref="PrecisionProbe"/>: native bf16, then a few timed steps both ways), here on batches of 256 random images.
    /// </summary>
    public static PrecisionChoice ChoosePrecision(BenchmarkSettings settings, Precision asked)
    {
        torch.set_num_threads(settings.Threads);
        using var scope = NewDisposeScope();
        var recipe = settings.Recipe;
        using var generator = SeededGenerator.Create(2);
        var clean = rand([Batch, 1, 28, 28], generator: generator);
        var noisy = recipe.Noise.Apply(clean, seed: 2);
        var made = new Stack<IDisposable>();
        try
        {
            return PrecisionProbe.ForThisMachine().Choose(asked, precision =>
            {
                var model = Architectures.Create(settings.Architecture, seed: 0);
                made.Push(model);
                var adam = Adam.For(model.parameters(), recipe);
                made.Push(adam);
                var step = settings.Plain
                    ? new PlainTrainingStep(model, adam, recipe.Loss, precision)
                    : TrainingStep.For(model, adam, recipe.Loss, settings.ChunkSize, settings.Workers, precision);
                made.Push(step);
                return () => step.Step(noisy, clean).Dispose();
            }, $"a training step of {Batch} images");
        }
        finally
        {
            while (made.TryPop(out var disposable))
                disposable.Dispose();
        }
    }

    /// <summary>Denoised images: through <see cref="ImageDenoiser"/> (the model's fast forward), or the module's plain forward.</summary>
    private static Tensor Predict(Denoiser model, Tensor images, bool plain)
    {
        if (!plain)
            return ImageDenoiser.Denoise(model, images, Batch);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>();
        var input = images.to_type(model.InputType);
        for (long s = 0; s < images.shape[0]; s += Batch)
            outputs.Add(model.call(input.narrow(0, s, Math.Min(Batch, images.shape[0] - s))));
        return cat(outputs, 0).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    private static Tensor LoadImages(string? folder, out bool loaded)
    {
        var path = folder is null ? null : Path.Combine(folder, "train-images-idx3-ubyte");
        loaded = path is not null && File.Exists(path);
        if (!loaded)
            return rand(60000, 1, 28, 28);
        // The library's loader, timed as a user's program would use it: the training images of the data folder.
        var set = DataSets.Load(DataSetKind.Mnist, Split.Train, folder: Path.GetDirectoryName(Path.GetFullPath(folder!)));
        set.Labels.Dispose();
        return set.Images;
    }

    /// <summary>Noisy/clean pairs of random training images, the noise of the architecture's recipe (clipped), seeded.</summary>
    private static List<(Tensor Noisy, Tensor Clean)> MakeBatches(Tensor images, int count, TrainingOptions recipe, int seed)
    {
        using var generator = SeededGenerator.Create(seed);
        var batches = new List<(Tensor, Tensor)>(count);
        for (var i = 0; i < count; i++)
        {
            var index = randint(0, images.shape[0], [Batch], dtype: int64, generator: generator);
            var clean = images.index_select(0, index);
            batches.Add((recipe.Noise.Apply(clean, seed * 1_000_003L + i), clean));
        }
        return batches;
    }

    private static double CpuTime() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
}
