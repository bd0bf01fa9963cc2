using Denoise.Randomness;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// The batches of a digit run: the training pairs of a <see cref="TrainingData"/>, reshuffled every epoch with a
/// generator seeded from (seed, epoch) (<see cref="RunSeeds.Shuffle"/>), in batches of the options' size (the last one
/// smaller), the digits moved by the options' <see cref="TrainingOptions.Augmentation"/> (seeded by
/// <see cref="RunSeeds.BatchAugmentation"/>), the inputs either the fixed noisy copy or, with
/// <see cref="TrainingOptions.FreshNoise"/>, new noise for every batch (<see cref="RunSeeds.BatchNoise"/>). The data
/// stays the caller's.
/// </summary>
public sealed class DigitBatches : IBatchSource, IDisposable
{
    private readonly TrainingData data;
    private readonly TrainingOptions options;
    private readonly long count;
    private (int Epoch, Tensor Order)? shuffled;

    public DigitBatches(TrainingData data, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        (this.data, this.options) = (data, options);
        count = data.CleanTrain.shape[0];
        BatchesPerEpoch = (int)((count + options.BatchSize - 1) / options.BatchSize);
    }

    public int BatchesPerEpoch { get; }

    public long ImagesPerEpoch => count;

    public (Tensor Noisy, Tensor Clean) Batch(int epoch, int batch)
    {
        using var noGrad = no_grad();
        var start = batch * (long)options.BatchSize;
        var index = Order(epoch).narrow(0, start, Math.Min(options.BatchSize, count - start));
        var clean = data.CleanTrain.index_select(0, index);
        if (!options.Augmentation.IsNone)
            clean = options.Augmentation.Apply(clean, RunSeeds.BatchAugmentation(options.Seed, epoch, batch));
        var noisy = options.FreshNoise
            ? options.Noise.Apply(clean, RunSeeds.BatchNoise(options.Seed, epoch, batch))
            : data.NoisyTrain.index_select(0, index);
        return (noisy, clean);
    }

    /// <summary>Epoch <paramref name="epoch"/>'s permutation of the training rows, drawn once per epoch.</summary>
    private Tensor Order(int epoch)
    {
        if (shuffled is { } kept && kept.Epoch == epoch)
            return kept.Order;
        shuffled?.Order.Dispose();
        using var generator = SeededGenerator.Create(RunSeeds.Shuffle(options.Seed, epoch));
        var order = randperm(count, generator: generator).DetachFromDisposeScope();
        shuffled = (epoch, order);
        return order;
    }

    public void Dispose()
    {
        shuffled?.Order.Dispose();
        shuffled = null;
    }
}
