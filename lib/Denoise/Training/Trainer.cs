using System.Diagnostics;
using Denoise.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// Trains any <see cref="Denoiser"/> like Keras' <c>fit</c>, with Adam and the options' loss: noisy images in, clean
/// images as targets, reshuffled every epoch with a generator seeded from (seed, epoch), validation loss after each
/// epoch, and an atomic checkpoint (weights, Adam moments and steps, options, history) that <see cref="Resume"/>
/// continues from exactly. Each step is the model's fast step where it has one, else the plain step
/// (<see cref="TrainingStep.For"/>). The trainer owns its optimiser; the model stays the caller's.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string CheckpointMagic = "DENOISE-CHECKPOINT\n";

    private static readonly ModelFile.Kind CheckpointKind = new(CheckpointMagic, "checkpoint", "denoise training checkpoint", "start again without --resume", "start again without --resume");

    private readonly Adam optimizer;
    private readonly TrainingStep step;
    private readonly TrainingHistory history;

    public Trainer(Denoiser model, TrainingOptions options)
        : this(model, options, [])
    {
    }

    private Trainer(Denoiser model, TrainingOptions options, IEnumerable<EpochRecord> completed)
    {
        options.Validate();
        Model = model;
        Options = options;
        history = new TrainingHistory(completed);
        optimizer = optim.Adam(model.parameters(), options.LearningRate, options.Beta1, options.Beta2, options.Epsilon);
        step = TrainingStep.For(model, optimizer, options.Loss);
    }

    public Denoiser Model { get; }

    public TrainingOptions Options { get; }

    public TrainingHistory History => history;

    public int CompletedEpochs => history.Count;

    /// <summary>The learning rate of the latest step (the schedule sets it before each step).</summary>
    public double LearningRate => optimizer.ParamGroups.First().LearningRate;

    /// <summary>
    /// Trains from epoch <see cref="CompletedEpochs"/> + 1 to <see cref="TrainingOptions.Epochs"/>. After each epoch
    /// the checkpoint (if a path is given) is written, then progress reports the epoch's record. Cancellation is
    /// checked between batches and throws <see cref="OperationCanceledException"/>; the last checkpoint stays valid.
    /// </summary>
    public TrainingHistory Fit(TrainingData data, IProgress<TrainingProgress>? progress = null,
        string? checkpointPath = null, CancellationToken cancellationToken = default)
    {
        CheckPairs(data.NoisyTrain, data.CleanTrain, "training");
        CheckPairs(data.NoisyValidation, data.CleanValidation, "validation");
        var count = data.CleanTrain.shape[0];
        var batchSize = Options.BatchSize;
        var batches = (int)((count + batchSize - 1) / batchSize);
        for (var epoch = CompletedEpochs + 1; epoch <= Options.Epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            Model.train();
            using var generator = new Generator(EpochSeed(Options.Seed, epoch));
            using var order = randperm(count, generator: generator);
            // Summed on the tensor side and read once per epoch: a per-batch .item() would stall every step.
            using var lossSum = zeros(1, dtype: ScalarType.Float64);
            for (var batch = 0; batch < batches; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var start = batch * (long)batchSize;
                var size = Math.Min(batchSize, count - start);
                var index = order.narrow(0, start, size);
                var clean = data.CleanTrain.index_select(0, index);
                var noisy = Options.FreshNoise
                    ? Options.Noise.Apply(clean, BatchNoiseSeed(Options.Seed, epoch, batch))
                    : data.NoisyTrain.index_select(0, index);
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = Options.LearningRateAt((epoch - 1L) * batches + batch, (long)Options.Epochs * batches);
                var loss = step.Step(noisy, clean);
                lossSum.add_(loss, alpha: size);
                progress?.Report(new TrainingProgress(epoch, Options.Epochs, batch + 1, batches));
            }

            var trainLoss = lossSum.item<double>() / count;
            var valLoss = Evaluate(data.NoisyValidation, data.CleanValidation);
            var record = new EpochRecord(epoch, trainLoss, valLoss, watch.Elapsed.TotalSeconds);
            history.Add(record);
            if (checkpointPath is not null) SaveCheckpoint(checkpointPath);
            progress?.Report(new TrainingProgress(epoch, Options.Epochs, batches, batches, record));
        }

        return history;
    }

    /// <summary>The mean loss of the model's outputs against <paramref name="clean"/>, in eval mode without gradients.</summary>
    public double Evaluate(Tensor noisy, Tensor clean)
    {
        CheckPairs(noisy, clean, "validation");
        Model.eval();
        using var noGrad = no_grad();
        using var sum = zeros(1, dtype: ScalarType.Float64);
        using var preparedScope = NewDisposeScope();
        // The same loss the fast step computes, batch by batch; the plain forward for models without a fast path.
        using var fast = Model.CreateFastForward() is { } f && f.Supports(Options.Loss) ? f : null;
        var prepared = fast?.Prepare() ?? [];
        var count = clean.shape[0];
        for (long start = 0; start < count; start += Options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var size = Math.Min(Options.BatchSize, count - start);
            var (noisyBatch, cleanBatch) = (noisy.narrow(0, start, size), clean.narrow(0, start, size));
            sum.add_(fast?.Loss(noisyBatch, cleanBatch, prepared, Options.Loss) ?? Options.Loss.Of(Model, noisyBatch, cleanBatch), alpha: size);
        }

        return sum.item<double>() / count;
    }

    /// <summary>The metadata for a model file of the model as trained so far.</summary>
    public ModelMetadata Metadata() => ModelMetadata.For(Model, Options, history);

    /// <summary>Writes weights, Adam state, options and history to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path) =>
        ModelFile.Write(path, CheckpointKind, Model, Metadata(), optimizer.save_state_dict);

    /// <summary>Reads what a checkpoint says about its run (architecture, options, epochs done), without its tensors.</summary>
    public static ModelMetadata ReadCheckpoint(string path)
    {
        using var file = ModelFile.Open(path, CheckpointKind);
        return RunOf(file).Metadata;
    }

    /// <summary>
    /// A trainer (with a new model, which the caller then owns) in the state <paramref name="path"/> was saved in,
    /// ready to continue to <paramref name="epochs"/> (default: the epochs the run was started with).
    /// </summary>
    public static Trainer Resume(string path, int? epochs = null)
    {
        using var file = ModelFile.Open(path, CheckpointKind);
        var (metadata, saved) = RunOf(file);
        var options = epochs is { } e ? saved with { Epochs = e } : saved;
        options.Validate();   // a bad new total is the caller's mistake, not a damaged checkpoint
        var model = file.LoadModel();
        try
        {
            var trainer = new Trainer(model, options, metadata.History);
            trainer.optimizer.load_state_dict(file.Reader);
            return trainer;
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or InvalidDataException or IOException)
        {
            model.Dispose();
            throw ModelFile.Corrupt(path, CheckpointKind, ex);
        }
    }

    public void Dispose()
    {
        step.Dispose();
        optimizer.Dispose();
    }

    private static (ModelMetadata Metadata, TrainingOptions Options) RunOf(ModelFile.Opened file) =>
        (file.Metadata, file.Metadata.Training
            ?? throw ModelFile.Corrupt(file.Path, CheckpointKind, new InvalidDataException("no training options")));

    /// <summary>A well-mixed generator seed per (seed, epoch) (SplitMix64), so each epoch's shuffle is independent yet reproducible.</summary>
    internal static ulong EpochSeed(long seed, int epoch)
    {
        var z = unchecked((ulong)seed + (ulong)epoch * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>The seed of one batch's fresh noise: its own stream per (run, epoch, batch), apart from the shuffles'.</summary>
    internal static long BatchNoiseSeed(long seed, int epoch, int batch) =>
        unchecked((long)EpochSeed((long)EpochSeed(seed ^ 0x5DEECE66DL, epoch), batch + 1));

    private void CheckPairs(Tensor noisy, Tensor clean, string what)
    {
        var multiple = Model.SizeMultiple;
        foreach (var (tensor, name) in new[] { (noisy, "noisy"), (clean, "clean") })
        {
            if (tensor.dim() != 4 || tensor.shape[1] != 1 || tensor.shape[2] % multiple != 0 || tensor.shape[3] % multiple != 0)
                throw new ArgumentException(
                    $"{what} {name} images must be N x 1 x H x W with H and W multiples of {multiple}, got {string.Join(" x ", tensor.shape)}");
            if (tensor.dtype != ScalarType.Float32)
                throw new ArgumentException($"{what} {name} images must be float32, got {tensor.dtype}");
        }

        if (noisy.shape[0] != clean.shape[0])
            throw new ArgumentException($"{what}: {noisy.shape[0]} noisy images but {clean.shape[0]} clean ones");
        if (!noisy.shape.SequenceEqual(clean.shape))
            throw new ArgumentException($"{what}: noisy images are {string.Join(" x ", noisy.shape)} but clean ones {string.Join(" x ", clean.shape)}");
        if (clean.shape[0] == 0)
            throw new ArgumentException($"{what}: no images");
    }
}
