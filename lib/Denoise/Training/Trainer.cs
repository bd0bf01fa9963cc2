using Denoise.Metrics;
using Denoise.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// Trains any <see cref="Denoiser"/> like Keras' <c>fit</c>, with Adam and the options' loss: noisy images in, clean
/// images as targets, drawn from an <see cref="IBatchSource"/> (digits reshuffled every epoch with a generator seeded
/// from (seed, epoch) (<see cref="RunSeeds"/>, <see cref="DigitBatches"/>), or patches of photos), validation loss after each epoch, and an atomic <see cref="Checkpoint"/> (weights, Adam moments and steps, options,
/// history) that <see cref="Checkpoint.Resume"/> continues from exactly. Each step is the model's fast step where it has
/// one, else the plain step (<see cref="TrainingStep.For"/>), in the options' <see cref="TrainingOptions.Precision"/>:
/// for auto, <see cref="Fit"/> first times a few steps both ways (<see cref="PrecisionProbe"/>); validation and quality
/// scores run in the same precision. With a time budget (<see cref="TrainingOptions.Minutes"/>) a
/// <see cref="TimeBudget"/> plans the epochs (auto's timing comes off the budget). The trainer owns its optimiser; the
/// model stays the caller's.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly Adam optimizer;
    private readonly TrainingHistory history;
    private readonly TimeProvider clock;
    private readonly PrecisionProbe probe;
    private TrainingStep? step;
    private readonly WeightAverage? average;
    private TimeBudget? budget;

    /// <param name="clock">Times the epochs and any time budget; the system's clock unless a test gives its own.</param>
    /// <param name="probe">Resolves <see cref="Training.Precision.Auto"/>: this machine's unless a test gives the CPU's answer and a clock.</param>
    public Trainer(Denoiser model, TrainingOptions options, TimeProvider? clock = null, PrecisionProbe? probe = null)
        : this(model, options, [], clock, probe)
    {
    }

    /// <summary>A trainer that continues after the <paramref name="completed"/> epochs (<see cref="Checkpoint.Resume"/>).</summary>
    internal Trainer(Denoiser model, TrainingOptions options, IEnumerable<EpochRecord> completed, TimeProvider? clock = null,
        PrecisionProbe? probe = null)
    {
        options.Validate();
        TrainingStep.RequireFits(model, options.Loss);
        Model = model;
        Options = options;
        PlannedEpochs = options.Epochs;
        this.clock = clock ?? TimeProvider.System;
        this.probe = probe ?? PrecisionProbe.ForThisMachine();
        history = new TrainingHistory(completed);
        optimizer = Adam.For(model.parameters(), options);
        if (options.Precision != Training.Precision.Auto)
            Use(new PrecisionChoice(options.Precision, "as asked"));
        average = options.EmaDecay > 0 ? new WeightAverage(model, options.EmaDecay) : null;
    }

    /// <summary>The model the optimiser trains.</summary>
    public Denoiser Model { get; }

    /// <summary>
    /// The weights the run delivers: with <see cref="TrainingOptions.EmaDecay"/>, a model (owned by the trainer) that
    /// holds the moving average of <see cref="Model"/>'s weights; else <see cref="Model"/> itself. Validation and quality
    /// scores are of these weights, and model files hold them.
    /// </summary>
    public Denoiser Result => average?.Model ?? Model;

    /// <summary>The run's options as given; they do not change (<see cref="Metadata"/> records what ran).</summary>
    public TrainingOptions Options { get; }

    /// <summary>
    /// The epochs the run trains to: <see cref="TrainingOptions.Epochs"/>, or with a time budget what the budget planned
    /// (once <see cref="Fit"/> has started; a resumed run keeps what its checkpoint planned).
    /// </summary>
    public int PlannedEpochs { get; private set; }

    public TrainingHistory History => history;

    public int CompletedEpochs => history.Count;

    /// <summary>
    /// The precision the steps, the validation and the quality scores compute in, and why; with
    /// <see cref="Training.Precision.Auto"/>, null until <see cref="Fit"/> has timed both.
    /// </summary>
    public PrecisionChoice? Precision { get; private set; }

    /// <summary>The learning rate of the latest step (the schedule sets it before each step).</summary>
    public double LearningRate => optimizer.ParamGroups.First().LearningRate;

    /// <summary>
    /// Trains from epoch <see cref="CompletedEpochs"/> + 1 to <see cref="PlannedEpochs"/> on the batches
    /// <paramref name="data"/> gives a run with these options (<see cref="IRunData.Batches"/>: shuffled digits, or
    /// patches of photos), validating on its validation pairs. After each epoch the checkpoint (if a path is given) is
    /// written, then progress reports the epoch's record. Cancellation is checked between batches and throws
    /// <see cref="OperationCanceledException"/>; a loss that is not finite throws <see cref="TrainingDivergedException"/>
    /// at once. Either way the last checkpoint stays valid.
    /// </summary>
    public TrainingHistory Fit(IRunData data, IProgress<TrainingProgress>? progress = null,
        string? checkpointPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var batches = data.Batches(Options);
        try
        {
            return Fit(batches, data.NoisyValidation, data.CleanValidation, progress, checkpointPath, cancellationToken);
        }
        finally
        {
            (batches as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Trains like <see cref="Fit(IRunData, IProgress{TrainingProgress}?, string?, CancellationToken)"/> on any source of
    /// batches: epoch e draws <c>batches.Batch(e, 0 … BatchesPerEpoch − 1)</c>, whose pairs depend on (epoch, batch)
    /// alone, so a resumed run draws exactly the batches the uninterrupted one would have.
    /// </summary>
    public TrainingHistory Fit(IBatchSource batches, Tensor noisyValidation, Tensor cleanValidation,
        IProgress<TrainingProgress>? progress = null, string? checkpointPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        CheckPairs(noisyValidation, cleanValidation, "validation");
        if (Options.Minutes is { } minutes && CompletedEpochs == 0)
            budget = new TimeBudget(TimeSpan.FromMinutes(minutes), clock);
        if (step is null)
            Use(ChoosePrecision(batches));
        if (budget is not null && budget.Epochs == 0)
            PlannedEpochs = PlanWithin(batches, noisyValidation, cleanValidation, budget);
        var count = batches.BatchesPerEpoch;
        for (var epoch = CompletedEpochs + 1; epoch <= PlannedEpochs; epoch++)
        {
            var started = clock.GetTimestamp();
            Model.train();
            // Summed on the tensor side and read once per epoch: a per-batch .item() would stall every step.
            using var lossSum = zeros(1, dtype: ScalarType.Float64);
            var seen = 0L;
            for (var batch = 0; batch < count; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (noisy, clean) = batches.Batch(epoch, batch);
                CheckPairs(noisy, clean, "training");
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = Options.LearningRateAt((epoch - 1L) * count + batch, (long)PlannedEpochs * count);
                var loss = step!.Step(noisy, clean);
                // Once NaN or infinite, always: stop at once rather than train on and save nothing usable.
                if (!float.IsFinite(loss.item<float>()))
                    throw new TrainingDivergedException(epoch, batch + 1, count, loss.item<float>(), LearningRate);
                average?.Update();
                var size = clean.shape[0];
                using (var weight = size.ToScalar())
                    lossSum.add_(loss, weight);
                seen += size;
                // Read only when someone listens: on the CPU one .item() per batch costs little.
                progress?.Report(new TrainingProgress(epoch, PlannedEpochs, batch + 1, count)
                { RunningLoss = lossSum.item<double>() / seen, Elapsed = clock.GetElapsedTime(started) });
            }

            var trainLoss = lossSum.item<double>() / seen;
            double valLoss;
            QualityReport? quality;
            // One copy of the result for the epoch's loss and scores (a bf16 copy when the trainer computes in bf16).
            using (var copy = InferenceCopy())
            {
                valLoss = MeanLoss(copy?.Network ?? Result, Options.Loss, noisyValidation, cleanValidation);
                // The epoch's last step can ruin the weights after its loss was measured; validation sees it.
                if (!double.IsFinite(valLoss))
                    throw new TrainingDivergedException(epoch, null, count, valLoss, LearningRate);
                quality = Score(copy?.Network ?? Result, noisyValidation, cleanValidation, Options.QualityImages);
            }
            var elapsed = clock.GetElapsedTime(started);
            var record = new EpochRecord(epoch, trainLoss, valLoss, elapsed.TotalSeconds, quality?.MeanCappedPsnr, quality?.MeanSsim, step!.Precision);
            history.Add(record);
            if (budget is not null)
                PlannedEpochs = budget.AfterEpoch(epoch);
            if (checkpointPath is not null) SaveCheckpoint(checkpointPath);
            progress?.Report(new TrainingProgress(epoch, PlannedEpochs, count, count, record)
            { RunningLoss = trainLoss, Elapsed = elapsed });
        }

        budget?.Finish();
        return history;
    }

    /// <summary>
    /// Trains <paramref name="model"/> with <paramref name="options"/> on the data they name and saves it to
    /// <paramref name="path"/>: what a notebook does for each model it trains, in one call. The model ends with the
    /// weights saved (<see cref="Result"/>: the moving average, when the options keep one). Returns the history.
    /// </summary>
    public static TrainingHistory TrainAndSave(Denoiser model, TrainingOptions options, string path,
        IProgress<TrainingProgress>? progress = null, string? dataFolder = null)
    {
        using var data = RunData.Load(options, dataFolder);
        using var trainer = new Trainer(model, options);
        var history = trainer.Fit(data, progress);
        ModelFile.Save(path, trainer.Result, trainer.Metadata());
        if (trainer.Result != model)
            using (no_grad())
                foreach (var (to, from) in model.parameters().Zip(trainer.Result.parameters()))
                    to.copy_(from);
        return history;
    }

    /// <summary>
    /// The mean loss of <see cref="Result"/>'s outputs against <paramref name="clean"/>, in eval mode without gradients, in the
    /// trainer's <see cref="Precision"/> (fp32 while auto is not yet resolved).
    /// </summary>
    public double Evaluate(Tensor noisy, Tensor clean)
    {
        CheckPairs(noisy, clean, "validation");
        using var copy = InferenceCopy();
        return MeanLoss(copy?.Network ?? Result, Options.Loss, noisy, clean);
    }

    /// <summary>A bf16 copy of the model as it is now when the trainer computes in bf16, else null (the model itself computes).</summary>
    private BFloat16Copy? InferenceCopy() =>
        Precision?.Used == Training.Precision.BFloat16 ? Architectures.CreateBFloat16Copy(Result) : null;

    /// <summary>
    /// Images per forward call when the trainer only evaluates (validation loss, quality scores), whatever the training
    /// batch: memory stays that of 256 images (a batch of 10,000 validated in one call took 4 GB), and a batch of 1
    /// does not validate in 10,000 calls.
    /// </summary>
    public const int EvaluationChunk = 256;

    /// <summary>
    /// The mean <paramref name="loss"/> of <paramref name="model"/> over image pairs, <see cref="EvaluationChunk"/> at a
    /// time: the same loss the fast step computes, or the plain forward's for models without a fast path.
    /// </summary>
    private static double MeanLoss(Denoiser model, DenoisingLoss loss, Tensor noisy, Tensor clean)
    {
        model.eval();
        using var noGrad = no_grad();
        using var sum = zeros(1, dtype: ScalarType.Float64);
        using var preparedScope = NewDisposeScope();
        using var fast = model.CreateFastForward() is { } f && f.Supports(loss) ? f : null;
        var prepared = fast?.Prepare() ?? [];
        var count = clean.shape[0];
        for (long start = 0; start < count; start += EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            var size = Math.Min(EvaluationChunk, count - start);
            var (noisyBatch, cleanBatch) = (noisy.narrow(0, start, size).to_type(model.InputType), clean.narrow(0, start, size));
            using var weight = size.ToScalar();
            sum.add_(fast?.Loss(noisyBatch, cleanBatch, prepared, loss) ?? loss.Of(model, noisyBatch, cleanBatch), weight);
        }

        return sum.item<double>() / count;
    }

    /// <summary>PSNR and SSIM of <paramref name="network"/> (the result, or its bf16 copy) on the first <paramref name="images"/> validation pairs; null for none.</summary>
    private static QualityReport? Score(Denoiser network, Tensor noisyValidation, Tensor cleanValidation, int images)
    {
        if (images == 0)
            return null;
        using var scope = NewDisposeScope();
        var n = Math.Min(images, cleanValidation.shape[0]);
        var denoised = ImageDenoiser.Denoise(network, noisyValidation.narrow(0, 0, n), EvaluationChunk);
        return ImageMetrics.Evaluate(cleanValidation.narrow(0, 0, n), denoised);
    }

    /// <summary>
    /// The epochs that fit <paramref name="budget"/>, planned from a few timed steps of a twin of the model (so the
    /// model and its optimiser are not touched) on the source's first batch, and the timed validation of one chunk.
    /// </summary>
    private int PlanWithin(IBatchSource batches, Tensor noisyValidation, Tensor cleanValidation, TimeBudget budget)
    {
        using var scope = NewDisposeScope();
        using var twin = Twin();
        using var adam = Adam.For(twin.parameters(), Options);
        using var probe = TrainingStep.For(twin, adam, Options.Loss, precision: step!.Precision);
        using var twinCopy = step.Precision == Training.Precision.BFloat16 ? Architectures.CreateBFloat16Copy(twin) : null;
        var (noisy, clean) = batches.Batch(1, 0);
        var validationSize = (int)Math.Min(EvaluationChunk, cleanValidation.shape[0]);
        var validationBatches = (cleanValidation.shape[0] + validationSize - 1) / validationSize
            + (Options.QualityImages + validationSize - 1) / validationSize * 3;   // scoring costs about three forwards
        return budget.Start(() => probe.Step(noisy, clean).Dispose(), batches.BatchesPerEpoch,
            () => MeanLoss(twinCopy?.Network ?? twin, Options.Loss, noisyValidation.narrow(0, 0, validationSize),
                cleanValidation.narrow(0, 0, validationSize)), validationBatches);
    }

    /// <summary>A new model with the model's weights, for timings that must not touch the model or its optimiser.</summary>
    private Denoiser Twin()
    {
        var twin = Architectures.Create(Model.Architecture, Options.Seed);
        using var noGrad = no_grad();
        foreach (var (to, from) in twin.parameters().Zip(Model.parameters()))
            to.copy_(from);
        return twin;
    }

    /// <summary>The steps' precision from here on, and the step that computes in it.</summary>
    private void Use(PrecisionChoice choice)
    {
        Precision = choice;
        step = TrainingStep.For(Model, optimizer, Options.Loss, precision: choice.Used);
    }

    /// <summary>
    /// What auto means for this run on this machine: <see cref="PrecisionProbe"/> times training steps of twins of the
    /// model (the model and its optimiser are not touched) on the source's first batch, in fp32 and in bf16.
    /// </summary>
    private PrecisionChoice ChoosePrecision(IBatchSource batches)
    {
        using var scope = NewDisposeScope();
        var (noisy, clean) = batches.Batch(1, 0);
        var size = clean.shape[0];
        var made = new Stack<IDisposable>();
        try
        {
            return probe.Choose(Options.Precision, precision =>
            {
                var twin = Twin();
                made.Push(twin);
                var adam = Adam.For(twin.parameters(), Options);
                made.Push(adam);
                var twinStep = TrainingStep.For(twin, adam, Options.Loss, precision: precision);
                made.Push(twinStep);
                return () => twinStep.Step(noisy, clean).Dispose();
            }, $"a training step of {size} images");
        }
        finally
        {
            while (made.TryPop(out var disposable))
                disposable.Dispose();
        }
    }

    /// <summary>How a time budget (<see cref="TrainingOptions.Minutes"/>) became a number of epochs, once it has; else null.</summary>
    public string? BudgetPlan => budget?.Plan;

    /// <summary>
    /// The options that describe the run, as model files and checkpoints record them: the given ones with the
    /// <see cref="PlannedEpochs"/> (what a time budget chose), so that a resumed run continues to the same end.
    /// </summary>
    public TrainingOptions RecordedOptions => Options with { Epochs = PlannedEpochs };

    /// <summary>The metadata for a model file of the model as trained so far.</summary>
    public ModelMetadata Metadata() => ModelMetadata.For(Model, RecordedOptions, history);

    /// <summary>Writes the run so far (weights, Adam state, any weight average, options, history) to <paramref name="path"/> atomically.</summary>
    private void SaveCheckpoint(string path) => Checkpoint.Write(path, Model, Metadata(), writer =>
    {
        optimizer.save_state_dict(writer);
        average?.Save(writer);
    });

    /// <summary>Sets the optimiser's state and any weight average from a checkpoint's reader, positioned after the weights.</summary>
    internal void LoadRunState(BinaryReader reader)
    {
        optimizer.load_state_dict(reader);
        average?.Load(reader);
    }

    public void Dispose()
    {
        step?.Dispose();
        optimizer.Dispose();
        average?.Dispose();
    }

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
