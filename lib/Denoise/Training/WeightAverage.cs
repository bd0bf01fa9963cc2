using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// An exponential moving average of a model's weights (Polyak averaging, as TensorFlow's ExponentialMovingAverage keeps
/// it), held in a twin of the model: after every optimiser step each averaged weight moves towards the trained one by
/// 1 - d, with d = min(decay, (1 + n) / (10 + n)) after n updates, so that early on, when the weights still move fast,
/// the average forgets quickly. Buffers that are not trained (running statistics) are copied as they are. A run with <see cref="TrainingOptions.EmaDecay"/> validates and saves the average.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    private readonly double decay;
    private readonly (Tensor Average, Tensor Weight)[] pairs;
    private readonly (Tensor Average, Tensor Buffer)[] buffers;

    /// <summary>An average of <paramref name="source"/>'s weights that starts at their present values.</summary>
    public WeightAverage(Denoiser source, double decay)
    {
        if (decay is not (> 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the decay of a weight average must lie in (0, 1)");
        this.decay = decay;
        Model = Architectures.Create(source.Architecture, seed: 0);
        Model.eval();
        pairs = [.. Model.parameters().Zip(source.parameters(), (a, w) => ((Tensor)a, (Tensor)w))];
        buffers = [.. Model.buffers().Zip(source.buffers())];
        using var noGrad = no_grad();
        foreach (var (average, weight) in pairs)
        {
            average.requires_grad_(false);
            average.copy_(weight);
        }
        CopyBuffers();
    }

    /// <summary>The twin that holds the averaged weights (in eval mode).</summary>
    public Denoiser Model { get; }

    /// <summary>The updates so far.</summary>
    public long Updates { get; private set; }

    /// <summary>The share of the old average kept by the next update.</summary>
    public double NextDecay => Math.Min(decay, (1.0 + Updates) / (10.0 + Updates));

    /// <summary>Moves the average towards the source's weights as they are now (call it after each optimiser step).</summary>
    public void Update()
    {
        using Scalar keep = NextDecay.ToScalar(), take = (1 - NextDecay).ToScalar();
        using var noGrad = no_grad();
        foreach (var (average, weight) in pairs)
            average.mul_(keep).add_(weight, take);
        CopyBuffers();
        Updates++;
    }

    /// <summary>Buffers (a batch norm's running statistics) are not trained: the average takes them as they are.</summary>
    private void CopyBuffers()
    {
        foreach (var (average, buffer) in buffers)
            average.copy_(buffer);
    }

    /// <summary>Writes the update count and the averaged weights (a checkpoint's last part).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Updates);
        Model.save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader)
    {
        Updates = reader.ReadInt64();
        Model.load(reader);
        Model.eval();
        foreach (var (average, _) in pairs)
            average.requires_grad_(false);
    }

    public void Dispose() => Model.Dispose();
}
