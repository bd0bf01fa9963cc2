using Denoise.IO;
using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>Loads MNIST and Fashion-MNIST from the data folder into tensors.</summary>
public static class DataSets
{
    /// <summary>
    /// Loads one split of a data set: images as float32 N x 1 x 28 x 28 in [0, 1], labels as int64 N.
    /// The file bytes are read once, straight into one uint8 tensor, then converted and scaled by torch (no per-pixel managed loop).
    /// Both files are first checked against their SHA-256 pins, cheaply: by the stamp that fetch left beside each file when
    /// size and modification time still match, else by hashing the file (<see cref="DataStamp"/>).
    /// </summary>
    /// <param name="limit">Keep only the first <paramref name="limit"/> images (all if null or larger than the set).</param>
    /// <param name="folder">The data folder (the one holding mnist/ and fashion-mnist/); <see cref="DataFolder.Resolve()"/> if null.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message says to run ./denoise data fetch.</exception>
    /// <exception cref="InvalidDataException">A file is damaged (its hash is not its pin) or the images and labels do not match.</exception>
    public static DigitSet Load(DataSetKind kind, Split split, int? limit = null, string? folder = null)
    {
        CheckLimit(limit);
        folder = Folder(folder);
        foreach (var labels in new[] { false, true })
        {
            var file = DataCatalog.Find(kind, split, labels);
            DataStamp.Check(file, Require(file, folder));
        }
        return Read(kind, split, limit, folder);
    }

    /// <summary>Loads like <see cref="Load"/> without comparing the files with their pins (for IDX files made by tests).</summary>
    internal static DigitSet Read(DataSetKind kind, Split split, int? limit, string? folder)
    {
        CheckLimit(limit);
        folder = Folder(folder);
        using var pixels = IdxFile.ReadTensor(Require(DataCatalog.Find(kind, split, labels: false), folder), 3, limit, out var images);
        using var classes = IdxFile.ReadTensor(Require(DataCatalog.Find(kind, split, labels: true), folder), 1, limit, out var labels);
        if (images.Count != labels.Count)
            throw new InvalidDataException($"{labels.Name}: {labels.Count} labels for {images.Count} images in {images.Name} - the files do not belong together; fetch them again with ./denoise data fetch");

        var count = (int)classes.shape[0];
        var name = $"{DataCatalog.DisplayName(kind)} {split.ToString().ToLowerInvariant()}";
        // Convert then scale in place: measured twice as fast as the mixed-type uint8.div(255f). Detached so that
        // the DigitSet owns its tensors even when loaded inside a caller's dispose scope.
        using var shaped = pixels.view(count, 1, images.Shape[1], images.Shape[2]);
        var imageTensor = shaped.to_type(ScalarType.Float32).div_(Scalars.ByteMax).DetachFromDisposeScope();
        var labelTensor = classes.to_type(ScalarType.Int64).DetachFromDisposeScope();
        return new DigitSet(name, imageTensor, labelTensor);
    }

    static void CheckLimit(int? limit)
    {
        if (limit is <= 0)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be positive (or null for all images)");
    }

    static string Folder(string? folder)
    {
        folder ??= DataFolder.Resolve();
        DataFolder.CheckNotAFile(folder);
        return folder;
    }

    static string Require(DataFile file, string folder)
    {
        var path = file.PathIn(folder);
        if (!RegularFile.Exists(path))
            throw new FileNotFoundException($"{path}: not found - run ./denoise data fetch (or set {DataFolder.EnvironmentVariable} to the folder that holds {DataCatalog.FolderName(file.Kind)}/)", path);
        return path;
    }
}
