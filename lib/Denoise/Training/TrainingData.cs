using Denoise.Data;
using Denoise.Noise;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// The digit pairs to train on: noisy inputs and their clean targets, N×1×28×28 float32 in [0, 1],
/// for training and for validation; a run draws its batches from them through <see cref="DigitBatches"/>.
/// Disposing it disposes the four tensors.
/// </summary>
public sealed record TrainingData(Tensor NoisyTrain, Tensor CleanTrain, Tensor NoisyValidation, Tensor CleanValidation) : IRunData
{
    /// <summary>The training pairs shuffled per epoch, with the options' fixed or fresh noise (<see cref="DigitBatches"/>).</summary>
    public IBatchSource Batches(TrainingOptions options) => new DigitBatches(this, options);

    /// <summary>The seed of the test set's noise: different from the training noise, and the same wherever a model is evaluated.</summary>
    public static long TestNoiseSeed(long seed) => seed + 1;

    /// <summary>As in the Keras notebook we re-create: noise is drawn once for each set (seeded), clean images are the targets.</summary>
    public static TrainingData FromSets(DigitSet train, DigitSet test, NoiseSpec noise, long seed) => new(
        noise.Apply(train.Images, seed),
        train.Images.clone(),
        noise.Apply(test.Images, TestNoiseSeed(seed)),
        test.Images.clone());

    /// <summary>
    /// The pairs a run with <paramref name="options"/> trains on: its data set's training split (the first
    /// <see cref="TrainingOptions.Limit"/> images, if given) and its whole test split, with the options' noise and seed.
    /// </summary>
    /// <exception cref="ArgumentException">The options name the photos, which <see cref="PhotoTrainingData.Load"/> loads.</exception>
    public static TrainingData Load(TrainingOptions options, string? dataFolder = null)
    {
        RequireDigits(options);
        using var train = DataSets.Load(options.DataSet, Split.Train, options.Limit, dataFolder);
        using var test = DataSets.Load(options.DataSet, Split.Test, limit: null, dataFolder);
        return FromSets(train, test, options.Noise, options.Seed);
    }

    /// <summary>
    /// The test images a model trained with <paramref name="options"/> is scored on: its data set's test split (the
    /// first <paramref name="limit"/> images, if given) laid out as <paramref name="layout"/> says (<see cref="DigitLayouts"/>),
    /// and the same images with the options' noise, drawn with <see cref="TestNoiseSeed"/>, so every evaluation of the
    /// model sees the noise it was validated on (and shifted digits the same noise as centred ones).
    /// </summary>
    /// <param name="limit">The first this many images of the layout (for strips, strips; each takes <see cref="DigitLayouts.DigitsPerStrip"/> digits).</param>
    public static NoisyTestSet LoadTest(TrainingOptions options, int? limit = null, string? dataFolder = null,
        DigitLayout layout = DigitLayout.Centred)
    {
        RequireDigits(options);
        using var digits = DataSets.Load(options.DataSet, Split.Test, limit is { } n ? DigitLayouts.DigitsFor(layout, n) : null, dataFolder);
        var test = DigitLayouts.Arrange(digits, layout);
        return new NoisyTestSet(test, options.Noise.Apply(test.Images, TestNoiseSeed(options.Seed)));
    }

    private static void RequireDigits(TrainingOptions options)
    {
        if (options.DataSet == DataSetKind.Photos)
            throw new ArgumentException("TrainingData holds digit pairs; photos are loaded by PhotoTrainingData.Load (training) and PhotoTestSet.Load (testing), or RunData.Load for either kind");
    }

    public void Dispose()
    {
        NoisyTrain.Dispose();
        CleanTrain.Dispose();
        NoisyValidation.Dispose();
        CleanValidation.Dispose();
    }
}
