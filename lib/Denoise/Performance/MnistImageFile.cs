using System.Buffers.Binary;

namespace Denoise.Performance;

/// <summary>
/// A minimal IDX image reader so the benchmark can time loading real MNIST; the library's data loader
/// (Denoise.Data) is the one to use elsewhere.
/// </summary>
internal static class MnistImageFile
{
    /// <summary>All images of an uncompressed IDX3 file as floats in [0, 1], laid out (N, 1, rows, cols).</summary>
    public static (float[] Pixels, int Count, int Rows, int Columns) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        if (bytes.Length < 16)
            throw new InvalidDataException($"{name}: {bytes.Length} bytes is too short for an IDX header");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != 2051)
            throw new InvalidDataException($"{name}: expected magic 2051, found {magic} - is this an image file?");
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        var columns = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        var size = (long)count * rows * columns;
        if (bytes.Length - 16 != size)
            throw new InvalidDataException($"{name}: header says {count}×{rows}×{columns} pixels but the file holds {bytes.Length - 16}");
        var pixels = new float[size];
        for (long i = 0; i < size; i++)
            pixels[i] = bytes[16 + i] / 255f;
        return (pixels, count, rows, columns);
    }
}
