using System.IO.Compression;
using Denoise.Data;

namespace Denoise.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    string WriteRaw(string name, byte[] bytes)
    {
        var path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Three_images_written_and_read_back_are_identical()
    {
        var path = _temp.File("images-idx3-ubyte");
        var pixels = Samples.ImageBytes(3);

        IdxFile.Write(path, [3, 28, 28], pixels);
        var file = IdxFile.ReadImages(path);

        Assert.Equal([3, 28, 28], file.Header.Shape);
        Assert.Equal(IdxElementType.UnsignedByte, file.Header.ElementType);
        Assert.Equal("images", file.Header.Kind);
        Assert.Equal(pixels, file.Data.ToArray());
        Assert.Equal(16 + 3 * 784, new FileInfo(path).Length);
    }

    [Fact]
    public void Written_header_is_the_published_IDX_layout()
    {
        var path = _temp.File("labels-idx1-ubyte");

        IdxFile.Write(path, [3], new byte[] { 7, 0, 9 });

        // Magic 0x00000801 = 2049 for labels, then the count 3 as a big-endian int32, then the labels.
        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9 }, File.ReadAllBytes(path));
        Assert.Equal(2049, IdxHeader.MagicFor(1));
        Assert.Equal(2051, IdxHeader.MagicFor(3));
    }

    [Fact]
    public void Writing_leaves_no_temp_file_behind()
    {
        IdxFile.Write(_temp.File("a-idx1-ubyte"), [2], new byte[] { 1, 2 });

        Assert.Equal(["a-idx1-ubyte"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Gz_file_is_read_like_the_raw_one()
    {
        var pixels = Samples.ImageBytes(2);
        var path = _temp.File("images-idx3-ubyte.gz");

        IdxFile.Write(path, [2, 28, 28], pixels);
        var file = IdxFile.ReadImages(path);

        Assert.Equal([0x1F, 0x8B], File.ReadAllBytes(path)[..2]);
        Assert.Equal(pixels, file.Data.ToArray());
    }

    [Fact]
    public void Gzip_content_is_recognised_by_its_magic_bytes_without_the_extension()
    {
        var raw = Samples.RawIdx(0x08, [3], 3);
        var path = _temp.File("labels-without-extension");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gzip.Write(raw);

        var header = IdxFile.ReadHeader(path);

        Assert.Equal([3], header.Shape);
        Assert.Equal(3, IdxFile.Read(path).Data.Length);
    }

    [Fact]
    public void Truncated_file_names_the_file_and_both_lengths()
    {
        var path = WriteRaw("train-images-idx3-ubyte", Samples.RawIdx(0x08, [60000, 28, 28], 1000));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));

        Assert.StartsWith("train-images-idx3-ubyte: truncated", e.Message);
        Assert.Contains("60000x28x28 = 47040000 bytes, file has 1000", e.Message);
        Assert.Contains("./denoise data fetch", e.Message);
    }

    [Fact]
    public void Truncated_gz_file_is_reported_as_truncated()
    {
        var path = _temp.File("t-idx1-ubyte.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gzip.Write(Samples.RawIdx(0x08, [10], 4));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith("t-idx1-ubyte.gz: truncated: header says 10 = 10 bytes, file has 4 after the 8-byte header", e.Message);
    }

    [Fact]
    public void Trailing_bytes_are_an_error_naming_the_file()
    {
        var path = WriteRaw("labels-idx1-ubyte", Samples.RawIdx(0x08, [3], 5));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(path));

        Assert.StartsWith("labels-idx1-ubyte: 2 trailing bytes", e.Message);
    }

    [Fact]
    public void Labels_file_where_images_are_expected_says_so()
    {
        var path = WriteRaw("train-images-idx3-ubyte", Samples.RawIdx(0x08, [3], 3));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));

        Assert.Equal("train-images-idx3-ubyte: expected magic 2051, found 2049 - is this a labels file?", e.Message);
    }

    [Fact]
    public void Images_file_where_labels_are_expected_says_so()
    {
        var path = WriteRaw("train-labels-idx1-ubyte", Samples.RawIdx(0x08, [1, 2, 2], 4));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(path));

        Assert.Equal("train-labels-idx1-ubyte: expected magic 2049, found 2051 - is this an images file?", e.Message);
    }

    [Theory]
    [InlineData(0x0D, "0x0D (Float32) is not supported")]
    [InlineData(0x0C, "0x0C (Int32) is not supported")]
    [InlineData(0x42, "unknown IDX element type 0x42")]
    public void Element_types_other_than_unsigned_byte_are_rejected(byte typeCode, string expected)
    {
        var path = WriteRaw("floats-idx1", Samples.RawIdx(typeCode, [3], 12));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith("floats-idx1: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(0, "dimension 2 of 3 is 0")]
    [InlineData(-5, "dimension 2 of 3 is -5")]
    public void Non_positive_dimensions_are_rejected(int dimension, string expected)
    {
        var path = WriteRaw("bad-idx3-ubyte", Samples.RawIdx(0x08, [2, dimension, 28], 0));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));

        Assert.StartsWith("bad-idx3-ubyte: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Zero_dimensions_are_rejected()
    {
        var path = WriteRaw("rank0", Samples.RawIdx(0x08, [], 0));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith("rank0: header says 0 dimensions", e.Message);
    }

    [Fact]
    public void A_file_not_starting_with_two_zero_bytes_is_not_IDX()
    {
        var path = WriteRaw("picture.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith("picture.png: not an IDX file: it starts with 89 50", e.Message);
    }

    [Fact]
    public void Header_cut_short_is_reported_as_truncated()
    {
        var path = WriteRaw("short", [0, 0, 8, 3, 0, 0]);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith("short: truncated: the header of a 3-dimensional file needs 16 bytes, file has 6", e.Message);
    }

    [Fact]
    public void Missing_file_is_FileNotFound_with_the_path_and_a_hint()
    {
        var path = _temp.File("nope-idx3-ubyte");

        var e = Assert.Throws<FileNotFoundException>(() => IdxFile.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("./denoise data fetch", e.Message);
    }

    [Fact]
    public void Writing_data_that_does_not_fit_the_shape_is_an_argument_error()
    {
        var e = Assert.Throws<ArgumentException>(() => IdxFile.Write(_temp.File("x"), [2, 2], new byte[3]));

        Assert.Contains("shape 2x2 needs 4 bytes, got 3", e.Message);
        Assert.False(File.Exists(_temp.File("x")));
    }
}
