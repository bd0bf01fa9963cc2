using System.IO.Compression;
using Denoise.Data;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class IdxSizeTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    string WriteGzip(string name, byte[] bytes, int zerosAfter = 0)
    {
        var path = _temp.File(name);
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(bytes);
        var zeros = new byte[1 << 20];
        for (var left = zerosAfter; left > 0; left -= zeros.Length)
            gzip.Write(zeros, 0, Math.Min(left, zeros.Length));
        return path;
    }

    [Fact]
    public void A_gzipped_header_announcing_more_than_1_GiB_is_rejected_before_the_data_is_decompressed()
    {
        // 1.5 GB announced: under .NET's array limit, so only the new limit stops it before decompression.
        var path = WriteGzip("t10k-images-idx3-ubyte.gz", Samples.RawIdx(0x08, [3, 1000, 1000, 500], 1000));

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Equal("t10k-images-idx3-ubyte.gz: header says 3x1000x1000x500, more data than the 1073741824 bytes (1 GiB) an IDX file may hold here - the header is damaged, or this is not an IDX file", error.Message);
    }

    [Fact]
    public void A_raw_header_announcing_more_than_1_GiB_is_rejected_from_the_header()
    {
        var path = _temp.File("big-idx3-ubyte");
        File.WriteAllBytes(path, Samples.RawIdx(0x08, [2000, 1000, 1000], 10));

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.ReadHeader(path));

        Assert.StartsWith("big-idx3-ubyte: header says 2000x1000x1000, more data than the 1073741824 bytes", error.Message);
    }

    [Fact]
    public void A_shape_whose_size_overflows_64_bits_is_rejected()
    {
        // 65536^4 = 2^64 wraps to 0 in a 64-bit count: such a header must not pass for an empty file.
        var path = _temp.File("wrap-idx4-ubyte");
        File.WriteAllBytes(path, Samples.RawIdx(0x08, [65536, 65536, 65536, 65536], 0));

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith("wrap-idx4-ubyte: header says 65536x65536x65536x65536, more data than", error.Message);
    }

    [Fact]
    public void Gzip_data_after_the_announced_bytes_is_found_without_decompressing_it()
    {
        // 3 labels, then 64 MB of zeros: the reader stops one byte after the data, so it cannot count them.
        var path = WriteGzip("labels-idx1-ubyte.gz", Samples.RawIdx(0x08, [3], 3), zerosAfter: 64 << 20);

        var error = Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(path));

        Assert.Equal("labels-idx1-ubyte.gz: trailing bytes after the 3 bytes of data the header announces (3) - the file is damaged; fetch it again with ./denoise data fetch", error.Message);
    }

    [Fact]
    public void A_gzipped_data_set_with_trailing_data_does_not_load_even_with_a_limit()
    {
        Samples.WriteDataFolder(_temp.Path, count: 3, [1, 2, 3]);
        var images = DataCatalog.Find(DataSetKind.FashionMnist, Split.Train, labels: false).PathIn(_temp.Path);
        WriteGzip(Path.GetRelativePath(_temp.Path, images), Samples.RawIdx(0x08, [3, 28, 28], 3 * 784 + 5));

        var error = Assert.Throws<InvalidDataException>(() => DataSets.Read(DataSetKind.FashionMnist, Split.Train, 1, _temp.Path));

        Assert.StartsWith("train-images-idx3-ubyte.gz: trailing bytes after the 2352 bytes", error.Message);
    }
}
