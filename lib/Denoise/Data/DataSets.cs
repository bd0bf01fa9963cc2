using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>Loads MNIST and Fashion-MNIST from the data folder into tensors.</summary>
public static class DataSets
{
    /// <summary>
    /// Loads one split of a data set: images as float32 N x 1 x 28 x 28 in [0, 1], labels as int64 N.
    /// The file bytes are read once and become one uint8 tensor, converted and scaled by torch (no per-pixel loop).
    /// </summary>
    /// <param name="limit">Keep only the first <paramref name="limit"/> images (all if null or larger than the set).</param>
    /// <param name="folder">The data folder (the one holding mnist/ and fashion-mnist/); <see cref="DataFolder.Resolve()"/> if null.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message says to run ./denoise data fetch.</exception>
    /// <exception cref="InvalidDataException">A file is damaged or the images and labels do not match.</exception>
    public static DigitSet Load(DataSetKind kind, Split split, int? limit = null, string? folder = null)
    {
        if (limit is <= 0)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be positive (or null for all images)");
        folder ??= DataFolder.Resolve();
        var images = IdxFile.ReadImages(Require(DataCatalog.Find(kind, split, labels: false), folder));
        var labels = IdxFile.ReadLabels(Require(DataCatalog.Find(kind, split, labels: true), folder));
        if (images.Header.Count != labels.Header.Count)
            throw new InvalidDataException($"{labels.Header.Name}: {labels.Header.Count} labels for {images.Header.Count} images in {images.Header.Name} - the files do not belong together; fetch them again with ./denoise data fetch");

        var count = Math.Min(limit ?? int.MaxValue, images.Header.Count);
        var (height, width) = (images.Header.Shape[1], images.Header.Shape[2]);
        var name = $"{DataCatalog.DisplayName(kind)} {split.ToString().ToLowerInvariant()}";
        using var pixels = ByteTensor(images.Data, count * height * width);
        using var classes = ByteTensor(labels.Data, count);
        // Detached so that the DigitSet owns its tensors even when loaded inside a caller's dispose scope.
        var imageTensor = pixels.view(count, 1, height, width).to_type(ScalarType.Float32).div_(255f).DetachFromDisposeScope();
        var labelTensor = classes.to_type(ScalarType.Int64).DetachFromDisposeScope();
        return new DigitSet(name, imageTensor, labelTensor);
    }

    static string Require(DataFile file, string folder)
    {
        var path = file.PathIn(folder);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: not found - run ./denoise data fetch (or set {DataFolder.EnvironmentVariable} to the folder that holds {DataCatalog.FolderName(file.Kind)}/)", path);
        return path;
    }

    /// <summary>The first <paramref name="length"/> bytes as a 1-D uint8 tensor (a view of the file buffer where possible).</summary>
    static Tensor ByteTensor(ReadOnlyMemory<byte> data, long length)
    {
        if (!MemoryMarshal.TryGetArray(data, out var segment))
            return tensor(data[..(int)length].ToArray());
        using var whole = tensor(segment.Array!, [segment.Array!.LongLength]);
        return whole.narrow(0, segment.Offset, length);
    }
}
