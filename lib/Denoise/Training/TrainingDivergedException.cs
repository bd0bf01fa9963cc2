using System.Globalization;

namespace Denoise.Training;

/// <summary>
/// Training stopped because a loss was NaN or infinite: the weights have left the range where the network computes
/// anything, and every later step would only carry that on. The checkpoint of the last finished epoch is not touched.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int? batch, int batches, double loss, double learningRate)
    : ArithmeticException(string.Create(CultureInfo.InvariantCulture,
        $"{Describe(epoch, batch, batches, loss)} at a learning rate of {learningRate:G4}: training diverged - try a lower learning rate"))
{
    /// <summary>The epoch (1-based) in which the loss stopped being finite.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The batch (1-based) whose training loss was not finite; null when it was the validation loss.</summary>
    public int? Batch { get; } = batch;

    /// <summary>What happened where, e.g. "the training loss became NaN in epoch 3, batch 17 of 40".</summary>
    public string What { get; } = Describe(epoch, batch, batches, loss);

    /// <summary>The learning rate of the step that gave the loss.</summary>
    public double LearningRate { get; } = learningRate;

    private static string Describe(int epoch, int? batch, int batches, double loss) =>
        $"the {(batch is null ? "validation" : "training")} loss became {(double.IsNaN(loss) ? "NaN" : "infinite")} "
        + (batch is { } b ? $"in epoch {epoch}, batch {b} of {batches}" : $"after epoch {epoch}");
}
