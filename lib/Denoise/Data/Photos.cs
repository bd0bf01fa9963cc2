using Denoise.Imaging;
using Denoise.IO;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>Loads the photographs of <see cref="PhotoCatalog"/> from the data folder into tensors, grey or in colour.</summary>
public static class Photos
{
    /// <summary>
    /// Loads one photo as a float32 C x H x W tensor in [0, 1]: in colour (C = 3; a grey photo has three equal planes) or
    /// grey (C = 1; a colour photo is converted with <see cref="GrayImage.LumaWeights"/>). The file is first checked against
    /// its SHA-256 pin, cheaply through the stamp fetch left beside it (<see cref="DataStamp"/>).
    /// </summary>
    /// <param name="folder">The data folder (the one holding photos/); <see cref="DataFolder.Resolve()"/> if null.</param>
    /// <exception cref="FileNotFoundException">The photo is missing; the message says to run ./denoise data fetch photos.</exception>
    /// <exception cref="InvalidDataException">The file is damaged (its hash is not its pin).</exception>
    public static Tensor Load(PhotoFile photo, bool color = false, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var path = Require(photo, Folder(folder));
        DataStamp.Check(path, photo.Sha256, "the photo is damaged or not the original; run ./denoise data fetch photos to replace it");
        return color ? ColorImage.Load(path) : GrayImage.Load(path);
    }

    /// <summary>Loads every photo of one part (<see cref="PhotoCatalog.Part"/>) like <see cref="Load"/>, in catalogue order.</summary>
    public static PhotoSet LoadPart(Split split, bool color = false, string? folder = null)
    {
        folder = Folder(folder);
        var photos = new List<Photo>();
        try
        {
            foreach (var file in PhotoCatalog.Part(split))
                photos.Add(new Photo(file, Load(file, color, folder)));
        }
        catch
        {
            foreach (var photo in photos)
                photo.Dispose();
            throw;
        }

        return new PhotoSet($"photos {split.ToString().ToLowerInvariant()} ({(color ? "colour" : "grey")})", photos);
    }

    static string Folder(string? folder)
    {
        folder ??= DataFolder.Resolve();
        DataFolder.CheckNotAFile(folder);
        return folder;
    }

    static string Require(PhotoFile photo, string folder)
    {
        var path = photo.PathIn(folder);
        if (!RegularFile.Exists(path))
            throw new FileNotFoundException($"{path}: not found - run ./denoise data fetch photos (or set {DataFolder.EnvironmentVariable} to the folder that holds {PhotoCatalog.FolderName}/)", path);
        return path;
    }
}
