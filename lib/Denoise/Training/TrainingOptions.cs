namespace Denoise.Training;

/// <summary>
/// The settings of a training run. Optimiser defaults are Keras' Adam (ε = 1e-7, where PyTorch uses 1e-8);
/// <see cref="Noise"/> is the noise spec the pairs were made with, kept for the model file's metadata.
/// </summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-7;
    public long Seed { get; init; } = 42;
    public string Noise { get; init; } = "gaussian:0.5";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (Beta1 is < 0 or >= 1) throw new ArgumentException($"beta1 must be in [0, 1), got {Beta1}");
        if (Beta2 is < 0 or >= 1) throw new ArgumentException($"beta2 must be in [0, 1), got {Beta2}");
        if (!(Epsilon > 0)) throw new ArgumentException($"epsilon must be positive, got {Epsilon}");
    }
}
