namespace Denoise.Models;

/// <summary>
/// One row of a <see cref="ModelSummary"/>: a layer's Keras-style name and type, its output shape in Keras order
/// (height, width, channels; the batch dimension left out) and its number of parameters.
/// </summary>
public sealed record LayerSummary(string Name, string Type, IReadOnlyList<long> OutputShape, long Parameters)
{
    /// <summary>The shape as Keras prints it, with the batch dimension as None: "(None, 28, 28, 32)".</summary>
    public string KerasShape => $"(None, {string.Join(", ", OutputShape)})";

    /// <summary>The shape as "28x28x32".</summary>
    public string ShortShape => string.Join("x", OutputShape);
}
