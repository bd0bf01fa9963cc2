using System.Buffers.Binary;
using Denoise.Data;

namespace Denoise.Tests.Data;

/// <summary>Small IDX data made by the tests: images whose pixels are known, and raw byte layouts for bad files.</summary>
internal static class Samples
{
    /// <summary>Image i is filled with the value (i * 51) % 256 except pixel (0, 0), which is 255: 0, 51, 102, ...</summary>
    public static byte[] ImageBytes(int count, int height = 28, int width = 28)
    {
        var bytes = new byte[count * height * width];
        for (var i = 0; i < count; i++)
        {
            var image = bytes.AsSpan(i * height * width, height * width);
            image.Fill((byte)(i * 51 % 256));
            image[0] = 255;
        }
        return bytes;
    }

    /// <summary>Writes a data folder with MNIST (raw) and Fashion-MNIST (.gz) made of <paramref name="count"/> 28x28 images each.</summary>
    public static void WriteDataFolder(string folder, int count, byte[] labels)
    {
        foreach (var file in DataCatalog.Files)
        {
            var n = file.Split == Split.Train ? count : count - 1;
            if (file.IsLabels)
                IdxFile.Write(file.PathIn(folder), [n], labels.AsMemory(0, n));
            else
                IdxFile.Write(file.PathIn(folder), [n, 28, 28], ImageBytes(n));
        }
    }

    /// <summary>Raw IDX bytes with any header, for building bad files by hand.</summary>
    public static byte[] RawIdx(byte typeCode, int[] dims, int dataLength)
    {
        var bytes = new byte[4 + 4 * dims.Length + dataLength];
        bytes[2] = typeCode;
        bytes[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        return bytes;
    }
}
