namespace Denoise.Data;

/// <summary>Photographs of one part of the photo set in memory, owned by this object (dispose it to free them).</summary>
/// <param name="Name">A readable name such as "photos train (grey)".</param>
public sealed record PhotoSet(string Name, IReadOnlyList<Photo> Photos) : IDisposable
{
    /// <summary>Number of photos.</summary>
    public int Count => Photos.Count;

    /// <summary>Pixels of all photos together (per channel).</summary>
    public long Pixels => Photos.Sum(p => p.Image.shape[^1] * p.Image.shape[^2]);

    public void Dispose()
    {
        foreach (var photo in Photos)
            photo.Dispose();
    }
}
