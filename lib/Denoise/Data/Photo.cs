using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>A photograph in memory, owned by this object (dispose it to free the tensor).</summary>
/// <param name="Image">float32, C x H x W in [0, 1]: C = 1 for grey, 3 for colour (red, green, blue).</param>
public sealed record Photo(PhotoFile File, Tensor Image) : IDisposable
{
    /// <summary>scikit-image's name for the photo.</summary>
    public string Name => File.Name;

    public void Dispose() => Image.Dispose();
}
