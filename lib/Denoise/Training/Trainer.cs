using System.Diagnostics;
using System.Text.Json;
using Denoise.Models;
using Denoise.Performance;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// Trains a <see cref="ConvAutoencoder"/> like Keras' <c>fit</c> with Adam and binary cross-entropy: noisy images in,
/// clean images as targets, reshuffled every epoch with a generator seeded from (seed, epoch), validation loss after
/// each epoch, and an atomic checkpoint (weights, Adam moments and steps, options, history) that
/// <see cref="Resume"/> continues from exactly. The trainer owns its optimiser; the model stays the caller's.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string CheckpointMagic = "DENOISE-CHECKPOINT\n";

    private readonly Adam optimizer;
    private readonly FastTrainingStep step;
    private readonly TrainingHistory history;

    public Trainer(ConvAutoencoder model, TrainingOptions options)
        : this(model, options, [])
    {
    }

    private Trainer(ConvAutoencoder model, TrainingOptions options, IEnumerable<EpochRecord> completed)
    {
        options.Validate();
        Model = model;
        Options = options;
        history = new TrainingHistory(completed);
        optimizer = optim.Adam(model.parameters(), options.LearningRate, options.Beta1, options.Beta2, options.Epsilon);
        step = new FastTrainingStep(model, optimizer);
    }

    public ConvAutoencoder Model { get; }

    public TrainingOptions Options { get; }

    public TrainingHistory History => history;

    public int CompletedEpochs => history.Count;

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
                var loss = TrainStep(data.NoisyTrain.index_select(0, index), data.CleanTrain.index_select(0, index));
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

    /// <summary>The mean binary cross-entropy of the model's output against <paramref name="clean"/>, in eval mode without gradients.</summary>
    public double Evaluate(Tensor noisy, Tensor clean)
    {
        CheckPairs(noisy, clean, "validation");
        Model.eval();
        using var noGrad = no_grad();
        using var sum = zeros(1, dtype: ScalarType.Float64);
        // The mean over pixels does not care about their order, so the fast path's phase layout is compared
        // with the unshuffled target; the value equals BCE(model(noisy), clean).
        using var kernelScope = NewDisposeScope();
        using var fast = new FastAutoencoder(Model);
        var kernels = fast.Kernels();
        var count = clean.shape[0];
        for (long start = 0; start < count; start += Options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var size = Math.Min(Options.BatchSize, count - start);
            var logits = fast.PhasedLogits(noisy.narrow(0, start, size), kernels);
            var target = nn.functional.pixel_unshuffle(clean.narrow(0, start, size), 2);
            sum.add_(nn.functional.binary_cross_entropy_with_logits(logits, target), alpha: size);
        }

        return sum.item<double>() / count;
    }

    /// <summary>
    /// One optimisation step on a batch; returns the batch's mean loss (detached, still on the device).
    /// The fast step computes the same gradient as BCE(model(noisy), clean) with less work (tests prove it).
    /// </summary>
    private Tensor TrainStep(Tensor noisy, Tensor clean) => step.Step(noisy, clean);

    /// <summary>The metadata for a model file of the model as trained so far.</summary>
    public ModelMetadata Metadata() => ModelMetadata.For(Model, Options, history);

    /// <summary>Writes weights, Adam state, options and history to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path)
    {
        var json = JsonSerializer.Serialize(new TrainingCheckpoint(ConvAutoencoder.ArchitectureName, Options, [.. history]), ModelFile.Json);
        FramedFile.WriteAtomically(path, CheckpointMagic, json, writer =>
        {
            Model.save(writer);
            optimizer.save_state_dict(writer);
        });
    }

    /// <summary>Reads what a checkpoint says about its run, without its tensors.</summary>
    public static TrainingCheckpoint ReadCheckpoint(string path)
    {
        var (checkpoint, reader) = OpenCheckpoint(path);
        reader.Dispose();
        return checkpoint;
    }

    /// <summary>
    /// A trainer (with a new model, which the caller then owns) in the state <paramref name="path"/> was saved in,
    /// ready to continue to <paramref name="epochs"/> (default: the epochs the run was started with).
    /// </summary>
    public static Trainer Resume(string path, int? epochs = null)
    {
        var (checkpoint, reader) = OpenCheckpoint(path);
        using (reader)
        {
            var options = epochs is { } e ? checkpoint.Options with { Epochs = e } : checkpoint.Options;
            var model = new ConvAutoencoder(options.Seed);
            try
            {
                var trainer = new Trainer(model, options, checkpoint.History);
                model.load(reader);
                trainer.optimizer.load_state_dict(reader);
                return trainer;
            }
            catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or InvalidDataException or IOException)
            {
                model.Dispose();
                throw CorruptCheckpoint(path, ex);
            }
        }
    }

    public void Dispose()
    {
        step.Dispose();
        optimizer.Dispose();
    }

    private static (TrainingCheckpoint Checkpoint, BinaryReader Reader) OpenCheckpoint(string path)
    {
        (string Json, BinaryReader Reader)? opened;
        try
        {
            opened = FramedFile.Open(path, CheckpointMagic);
        }
        catch (EndOfStreamException e)
        {
            throw CorruptCheckpoint(path, e);
        }

        if (opened is not { } file)
            throw new InvalidDataException($"{path}: not a denoise training checkpoint (no DENOISE-CHECKPOINT header)");
        try
        {
            var checkpoint = JsonSerializer.Deserialize<TrainingCheckpoint>(file.Json, ModelFile.Json)
                ?? throw new InvalidDataException($"{path}: the checkpoint metadata is empty");
            if (checkpoint.Architecture != ConvAutoencoder.ArchitectureName)
                throw new InvalidDataException($"{path}: checkpoint architecture '{checkpoint.Architecture}' is not '{ConvAutoencoder.ArchitectureName}'");
            return (checkpoint, file.Reader);
        }
        catch (Exception e)
        {
            file.Reader.Dispose();
            throw e is JsonException ? CorruptCheckpoint(path, e) : e;
        }
    }

    private static InvalidDataException CorruptCheckpoint(string path, Exception inner) =>
        new($"{path}: the checkpoint is truncated or corrupt ({inner.Message.TrimEnd('.')}) - start again without --resume", inner);

    /// <summary>A well-mixed generator seed per (seed, epoch) (SplitMix64), so each epoch's shuffle is independent yet reproducible.</summary>
    internal static ulong EpochSeed(long seed, int epoch)
    {
        var z = unchecked((ulong)seed + (ulong)epoch * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    private static void CheckPairs(Tensor noisy, Tensor clean, string what)
    {
        const int side = ConvAutoencoder.ImageSize;
        foreach (var (tensor, name) in new[] { (noisy, "noisy"), (clean, "clean") })
        {
            if (tensor.dim() != 4 || tensor.shape[1] != 1 || tensor.shape[2] != side || tensor.shape[3] != side)
                throw new ArgumentException($"{what} {name} images must be N x 1 x {side} x {side}, got {string.Join(" x ", tensor.shape)}");
            if (tensor.dtype != ScalarType.Float32)
                throw new ArgumentException($"{what} {name} images must be float32, got {tensor.dtype}");
        }

        if (noisy.shape[0] != clean.shape[0])
            throw new ArgumentException($"{what}: {noisy.shape[0]} noisy images but {clean.shape[0]} clean ones");
        if (clean.shape[0] == 0)
            throw new ArgumentException($"{what}: no images");
    }
}
