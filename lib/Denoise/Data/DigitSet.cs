using Microsoft.ML;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>
/// A labelled image set in memory, owned by this object (dispose it to free the tensors).
/// </summary>
/// <param name="Name">A readable name such as "MNIST train".</param>
/// <param name="Images">float32, shape N x 1 x 28 x 28 (wider for strips of digits, <see cref="DigitLayouts"/>), values in [0, 1] (pixel byte / 255).</param>
/// <param name="Labels">int64, shape N, class index 0-9 (the digit for MNIST; see <see cref="DataCatalog.ClassNames"/>); for strips, the number each shows.</param>
public sealed record DigitSet(string Name, Tensor Images, Tensor Labels) : IDisposable
{
    /// <summary>Number of images.</summary>
    public int Count => (int)Images.shape[0];

    /// <summary>An ML.NET view of the set (columns Label: UInt32, Pixels: 784 x Single); valid while this set is not disposed.</summary>
    public IDataView ToDataView() => new DigitDataView(this);

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
