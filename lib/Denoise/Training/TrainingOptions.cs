using System.Text.Json.Serialization;
using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;

namespace Denoise.Training;

/// <summary>
/// Everything that defines a training run besides the architecture: the data (set, how many images, noise, seed), the
/// schedule and the optimiser. It is written whole into checkpoints and model files, so a run can be resumed exactly
/// and a model traced back to how it was made. Optimiser defaults are Keras' Adam (ε = 1e-7, where PyTorch uses 1e-8).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>
    /// The data set to train on (its training split) and to validate on (its test split). For the photos a run trains on
    /// random patches of the training photos (<see cref="PatchSize"/>, <see cref="BatchesPerEpoch"/>) and validates on
    /// tiles of the test photos (<see cref="PhotoTrainingData"/>).
    /// </summary>
    [JsonConverter(typeof(JsonStringEnumConverter<DataSetKind>))]
    public DataSetKind DataSet { get; init; } = DataSetKind.Mnist;

    /// <summary>Train on the first this many training images only (quick runs); null: all of them. Digits only.</summary>
    public int? Limit { get; init; }

    /// <summary>Photos only: the side of the square patches a run trains on.</summary>
    public int PatchSize { get; init; } = 48;

    /// <summary>Photos only: the batches of one epoch (an epoch of random patches is a length we choose; a digit epoch is the set).</summary>
    public int BatchesPerEpoch { get; init; } = 100;

    /// <summary>The noise added to the inputs; σ = 0.5 Gaussian is this project's choice for the seed recipe.</summary>
    public NoiseSpec Noise { get; init; } = new GaussianNoise(0.5);

    /// <summary>Seeds the initial weights, the noise and every epoch's shuffle.</summary>
    public long Seed { get; init; } = 42;

    public int Epochs { get; init; } = 20;

    /// <summary>Far beyond any useful run here; the bound keeps epoch and step counts finite (a time budget chooses at most this).</summary>
    public const int MaxEpochs = 10_000;

    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// The largest batch: the fast steps work in chunks and validation in <see cref="Trainer.EvaluationChunk"/>s, but
    /// the plain step holds a whole batch's activations, about 0.6 MB an image for the seed model with mse+ssim
    /// (measured: 1.2 GB at 1,024 images, 3 GB at 4,096).
    /// </summary>
    public const int MaxBatchSize = 1024;

    public DenoisingLoss Loss { get; init; } = DenoisingLoss.BinaryCrossEntropy;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// The largest learning rate. Adam moves each weight by about the rate per step, so rates above about 1 diverge
    /// (training then stops at the first loss that is not finite); beyond this one the rate no longer fits the float32
    /// arithmetic of the update (1e39 failed inside libtorch).
    /// </summary>
    public const double MaxLearningRate = 1e10;

    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-7;

    /// <summary>How the learning rate moves from <see cref="LearningRate"/> over the run.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<LearningRateSchedule>))]
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>
    /// Draw new noise for every batch (seeded by run, epoch and batch) instead of once for the training set: the model
    /// never sees the same noisy image twice. The validation noise stays fixed, so val_loss compares across epochs.
    /// </summary>
    public bool FreshNoise { get; init; }

    /// <summary>
    /// How each batch's digits are moved, scaled and combined before the noise goes on (<see cref="DigitAugmentation"/>),
    /// drawn afresh for every batch, seeded by run, epoch and batch like the fresh noise. It needs <see cref="FreshNoise"/>:
    /// noise drawn once belongs to the digits as they were. Validation keeps the data set's own digits.
    /// </summary>
    public DigitAugmentation Augmentation { get; init; } = DigitAugmentation.None;

    /// <summary>
    /// A time budget in minutes: when set, a <see cref="TimeBudget"/> chooses the run's epochs at its start, by timing a
    /// few steps, and plans again after every epoch from the epochs' measured times, so that the whole run (validation
    /// included) ends as near the budget as whole epochs allow; <see cref="Epochs"/> is then ignored, and model files and
    /// checkpoints record the epochs planned as <see cref="Epochs"/>. A schedule follows the plan: when it changes, the
    /// learning rates from there on are those of a run of the new length (a run with that <c>Epochs</c> alone differs
    /// only in the steps before the last change). Null: train for <see cref="Epochs"/>.
    /// </summary>
    public double? Minutes { get; init; }

    /// <summary>The longest time budget: a week.</summary>
    public const double MaxMinutes = 7 * 24 * 60;

    /// <summary>
    /// The arithmetic of the training steps, the validation and the quality scores: fp32, bf16 (mixed precision, master
    /// weights and Adam in fp32) or auto, which each session of the run resolves on its machine (<see cref="PrecisionProbe"/>);
    /// what each epoch used is in its <see cref="EpochRecord.Precision"/>.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>
    /// Keep an exponential moving average of the weights with this decay per step (0: none): the run then validates and
    /// saves the average (<see cref="Trainer.Result"/>), which is smoother than the last step's weights. Early steps
    /// use a smaller decay, (1 + n) / (10 + n) after n steps, so a short run averages over its own length.
    /// </summary>
    public double EmaDecay { get; init; }

    /// <summary>After every epoch, score PSNR and SSIM on this many validation images (0: don't), for quality-over-time curves.</summary>
    public int QualityImages { get; init; }

    /// <summary>The most <see cref="BatchesPerEpoch"/>: an epoch is the unit of checkpoints and validation, so it stays minutes long, not days.</summary>
    public const int MaxBatchesPerEpoch = 1_000_000;

    /// <summary>The largest <see cref="PatchSize"/>: the smallest training photo (coins) is 303 pixels high.</summary>
    public const int MaxPatchSize = 256;

    /// <summary>The learning rate of step <paramref name="step"/> (0-based) of a run of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(long step, long totalSteps) => Schedule switch
    {
        LearningRateSchedule.Cosine => WarmCosine(Math.Min(step, totalSteps) / (double)Math.Max(1, totalSteps)),
        _ => LearningRate,
    };

    /// <summary>The share of a cosine run's steps that warm the rate up linearly from a tenth of it.</summary>
    public const double WarmupShare = 0.03;

    private double WarmCosine(double progress) => progress < WarmupShare
        ? LearningRate * (0.1 + 0.9 * progress / WarmupShare)
        : LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (progress - WarmupShare) / (1 - WarmupShare)));

    /// <summary>Throws an <see cref="InvalidTrainingOptionException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        static void Require(bool ok, string setting, string problem)
        {
            if (!ok)
                throw new InvalidTrainingOptionException(setting, problem);
        }

        Require(Limit is null or >= 1, nameof(Limit), $"must be at least 1 image, got {Limit}");
        Require(Epochs is >= 1 and <= MaxEpochs, nameof(Epochs), $"must be from 1 to {MaxEpochs}, got {Epochs}");
        Require(BatchSize is >= 1 and <= MaxBatchSize, nameof(BatchSize), $"must be from 1 to {MaxBatchSize}, got {BatchSize}");
        Require(LearningRate is > 0 and <= MaxLearningRate, nameof(LearningRate), $"must be above 0 and at most {MaxLearningRate}, got {LearningRate}");
        Require(Beta1 is >= 0 and < 1, nameof(Beta1), $"must be in [0, 1), got {Beta1}");
        Require(Beta2 is >= 0 and < 1, nameof(Beta2), $"must be in [0, 1), got {Beta2}");
        Require(Epsilon > 0 && double.IsFinite(Epsilon), nameof(Epsilon), $"must be positive, got {Epsilon}");
        Require(Minutes is null or (> 0 and <= MaxMinutes), nameof(Minutes), $"must be above 0 and at most {MaxMinutes} (a week), got {Minutes}");
        Require(QualityImages >= 0, nameof(QualityImages), $"must be 0 or more, got {QualityImages}");
        Require(PatchSize is >= 8 and <= MaxPatchSize, nameof(PatchSize), $"must be 8 to {MaxPatchSize} pixels, got {PatchSize}");
        Require(BatchesPerEpoch is >= 1 and <= MaxBatchesPerEpoch, nameof(BatchesPerEpoch), $"must be 1 to {MaxBatchesPerEpoch}, got {BatchesPerEpoch}");
        Require(EmaDecay is >= 0 and < 1, nameof(EmaDecay), $"must be in [0, 1) (0: no average), got {EmaDecay}");
        Require(Enum.IsDefined(Precision), nameof(Precision), $"must be fp32, bf16 or auto, got {(int)Precision}");
        try
        {
            Augmentation.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidTrainingOptionException(nameof(Augmentation), e.Message);
        }
        Require(Augmentation.IsNone || FreshNoise, nameof(Augmentation),
            $"{Augmentation} needs fresh noise (the noise goes on after the digits move); add --fresh-noise");
        if (DataSet == DataSetKind.Photos)
        {
            Require(Limit is null, nameof(Limit), "counts digit images; a photo run draws BatchesPerEpoch batches of random patches per epoch instead");
            Require(FreshNoise, nameof(FreshNoise), "must be on for photos: every batch of patches gets noise of its own");
            Require(Augmentation.IsNone, nameof(Augmentation), $"{Augmentation} moves digits; photo patches are turned and flipped already");
        }
    }
}
