namespace Denoise.Data;

/// <summary>
/// One pinned photograph of the photo set: scikit-image's sample image <paramref name="Name"/>, its file, the scene it
/// shows, the part of the set it belongs to, its size, its SHA-256 as shipped and its licence.
/// </summary>
/// <param name="Name">scikit-image's name for it, e.g. "camera" (skimage.data.camera()).</param>
/// <param name="FileName">The file in scikit-image's data folder and in ours, e.g. "camera.png".</param>
/// <param name="Scene">What it shows; two photos of one scene (a stereo pair) share it, and a scene is in one part only.</param>
/// <param name="Split">Training photos are cut into patches to learn from; test photos are only ever scored.</param>
/// <param name="IsColor">True for an RGB photo, false for a grey one.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file as scikit-image ships it (its own registry pins the same).</param>
/// <param name="Licence">The licence scikit-image's docstring gives, with the author or source it names.</param>
public sealed record PhotoFile(string Name, string FileName, string Scene, Split Split, bool IsColor, int Width, int Height, string Sha256, string Licence)
{
    /// <summary>The path below the data folder, e.g. "photos/camera.png".</summary>
    public string RelativePath => Path.Combine(PhotoCatalog.FolderName, FileName);

    /// <summary>The full path of this photo inside the given data folder.</summary>
    public string PathIn(string dataFolder) => Path.Combine(dataFolder, RelativePath);
}
