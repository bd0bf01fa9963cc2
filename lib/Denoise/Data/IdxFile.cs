using System.Buffers.Binary;
using System.IO.Compression;
using Denoise.IO;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>
/// An IDX file (the format of MNIST): a validated header and its data bytes. Reads raw files and gzip-compressed ones
/// (recognised by the .gz extension or the gzip magic bytes); every error names the file and says what to do.
/// </summary>
/// <param name="Data">The data bytes after the header, row-major, one byte per element.</param>
public sealed record IdxFile(IdxHeader Header, ReadOnlyMemory<byte> Data)
{
    /// <summary>
    /// The most data an IDX file may announce: 1 GiB. MNIST's largest file holds 47 MB (EMNIST's 0.55 GB); a header that
    /// announces more is damaged or hostile and is rejected from its first bytes, before anything is allocated or decompressed.
    /// </summary>
    public const long MaxDataBytes = 1L << 30;

    const string FetchHint = "fetch it again with ./denoise data fetch";

    /// <summary>Reads and validates an IDX file of any rank.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid unsigned-byte IDX file.</exception>
    public static IdxFile Read(string path) => Read(path, expectedRank: null);

    /// <summary>Reads an images file (rank 3, magic 2051); a labels file is rejected with a message saying so.</summary>
    public static IdxFile ReadImages(string path) => Read(path, expectedRank: 3);

    /// <summary>Reads a labels file (rank 1, magic 2049); an images file is rejected with a message saying so.</summary>
    public static IdxFile ReadLabels(string path) => Read(path, expectedRank: 1);

    /// <summary>Reads only the header (decompressing just its bytes for .gz files); the data is not checked.</summary>
    public static IdxHeader ReadHeader(string path)
    {
        using var stream = OpenData(path);
        return ReadHeader(path, stream, expectedRank: null);
    }

    /// <summary>Writes an unsigned-byte IDX file atomically (temp file + rename), gzip-compressed if the path ends in .gz.</summary>
    /// <exception cref="ArgumentException">The shape is empty, has a non-positive dimension or does not match the data length.</exception>
    public static void Write(string path, IReadOnlyList<int> shape, ReadOnlyMemory<byte> data)
    {
        if (shape.Count is 0 or > byte.MaxValue)
            throw new ArgumentException($"{Path.GetFileName(path)}: an IDX file has 1 to 255 dimensions, not {shape.Count}", nameof(shape));
        if (shape.Any(d => d <= 0))
            throw new ArgumentException($"{Path.GetFileName(path)}: dimensions must be positive, got {string.Join("x", shape)}", nameof(shape));
        var header = new IdxHeader(Path.GetFileName(path), IdxElementType.UnsignedByte, shape);
        if (header.DataLength != data.Length)
            throw new ArgumentException($"{header.Name}: shape {header.ShapeText} needs {header.DataLength} bytes, got {data.Length}", nameof(data));

        var headerBytes = new byte[header.Length];
        BinaryPrimitives.WriteInt32BigEndian(headerBytes, IdxHeader.MagicFor(shape.Count));
        for (var i = 0; i < shape.Count; i++)
            BinaryPrimitives.WriteInt32BigEndian(headerBytes.AsSpan(4 + 4 * i), shape[i]);

        AtomicFile.Write(path, file =>
        {
            using var stream = IsGzipName(path) ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : file;
            stream.Write(headerBytes);
            stream.Write(data.Span);
        });
    }

    static IdxFile Read(string path, int? expectedRank)
    {
        using var stream = OpenData(path);
        var header = ReadHeader(path, stream, expectedRank);
        var data = new byte[header.DataLength];
        ReadData(path, stream, header, data, toEnd: true);
        return new IdxFile(header, data);
    }

    /// <summary>
    /// Reads the data of the first <paramref name="limit"/> items (all if null) into a new 1-D uint8 tensor, straight into
    /// the tensor's memory. A raw file's length is checked with its header, so only the wanted items are read; gzip data
    /// is read to its announced end (and one byte more) to find truncation and trailing bytes.
    /// </summary>
    internal static Tensor ReadTensor(string path, int expectedRank, int? limit, out IdxHeader header)
    {
        using var stream = OpenData(path);
        header = ReadHeader(path, stream, expectedRank);
        var wanted = ItemBytes(header) * Math.Min(limit ?? int.MaxValue, header.Count);
        var read = stream is FileStream ? wanted : header.DataLength;
        var data = empty(read, ScalarType.Byte);
        try
        {
            ReadData(path, stream, header, data.bytes, toEnd: read == header.DataLength);
        }
        catch
        {
            data.Dispose();
            throw;
        }
        if (read == wanted)
            return data;
        using (data)
            return data.narrow(0, 0, wanted);
    }

    /// <summary>Reads and checks the header, and for a raw file its length, leaving the stream at the first data byte.</summary>
    static IdxHeader ReadHeader(string path, Stream stream, int? expectedRank)
    {
        var bytes = new byte[4 + 4 * byte.MaxValue];
        var length = ReadFully(path, stream, bytes.AsSpan(0, 4));
        if (length == 4)
            length += ReadFully(path, stream, bytes.AsSpan(4, 4 * bytes[3]));
        var header = ParseHeader(Path.GetFileName(path), bytes.AsSpan(0, length), expectedRank);
        if (stream is FileStream file)
            CheckDataLength(header, file.Length - header.Length);
        return header;
    }

    /// <summary>Fills <paramref name="data"/> from the stream; with <paramref name="toEnd"/>, also checks that nothing follows.</summary>
    static void ReadData(string path, Stream stream, IdxHeader header, Span<byte> data, bool toEnd)
    {
        var read = ReadFully(path, stream, data);
        if (read < data.Length)
            CheckDataLength(header, read);
        if (toEnd && ReadFully(path, stream, stackalloc byte[1]) > 0)
            throw new InvalidDataException($"{header.Name}: trailing bytes after the {header.DataLength} bytes of data the header announces ({header.ShapeText}) - the file is damaged; {FetchHint}");
    }

    static long ItemBytes(IdxHeader header) => header.DataLength / header.Count;

    static void CheckDataLength(IdxHeader header, long actual)
    {
        var announced = $"header says {header.ShapeText} = {header.DataLength} bytes, file has {actual} after the {header.Length}-byte header";
        if (actual < header.DataLength)
            throw new InvalidDataException($"{header.Name}: truncated: {announced} - {FetchHint}");
        if (actual > header.DataLength)
            throw new InvalidDataException($"{header.Name}: {actual - header.DataLength} trailing bytes: {announced} - the file is damaged; {FetchHint}");
    }

    static IdxHeader ParseHeader(string name, ReadOnlySpan<byte> bytes, int? expectedRank)
    {
        if (bytes.Length < 4)
            throw new InvalidDataException($"{name}: truncated: {bytes.Length} bytes is too short for an IDX header - {FetchHint}");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{name}: not an IDX file: it starts with {bytes[0]:X2} {bytes[1]:X2}, an IDX file starts with 00 00 - is this the right file?");

        var type = (IdxElementType)bytes[2];
        if (!Enum.IsDefined(type))
            throw new InvalidDataException($"{name}: unknown IDX element type 0x{bytes[2]:X2} - not an IDX file, or a damaged one");
        if (type != IdxElementType.UnsignedByte)
            throw new InvalidDataException($"{name}: element type 0x{bytes[2]:X2} ({type}) is not supported, only 0x08 (unsigned byte) as in MNIST - convert the file to unsigned bytes");

        int rank = bytes[3];
        if (rank == 0)
            throw new InvalidDataException($"{name}: header says 0 dimensions - the file is damaged; {FetchHint}");
        if (expectedRank is { } expected && rank != expected)
            throw new InvalidDataException($"{name}: expected magic {IdxHeader.MagicFor(expected)}, found {IdxHeader.MagicFor(rank)} - is this {Describe(rank)}?");

        var headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw new InvalidDataException($"{name}: truncated: the header of a {rank}-dimensional file needs {headerLength} bytes, file has {bytes.Length} - {FetchHint}");
        var shape = new int[rank];
        var dataLength = 1L;
        for (var i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + 4 * i)..]);
            if (shape[i] <= 0)
                throw new InvalidDataException($"{name}: dimension {i + 1} of {rank} is {shape[i]}, dimensions must be positive - the header is damaged; {FetchHint}");
            // Compared before multiplying, so that no shape can overflow the count.
            dataLength = dataLength <= MaxDataBytes / shape[i] ? dataLength * shape[i] : MaxDataBytes + 1;
        }
        if (dataLength > MaxDataBytes)
            throw new InvalidDataException($"{name}: header says {string.Join("x", shape)}, more data than the {MaxDataBytes} bytes (1 GiB) an IDX file may hold here - the header is damaged, or this is not an IDX file");
        return new IdxHeader(name, type, shape);
    }

    static string Describe(int rank) => IdxHeader.KindOf(rank) switch
    {
        "labels" => "a labels file",
        "images" => "an images file",
        _ => $"a {rank}-dimensional file",
    };

    /// <summary>Opens the file, wrapped in a decompressor when it is gzip.</summary>
    static Stream OpenData(string path)
    {
        if (IsGzip(path))
            return new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        // Unbuffered: the data is read straight into its destination, not copied through a FileStream buffer.
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    }

    /// <summary>True for a .gz name or the gzip magic bytes 1F 8B; throws a helpful message when the file is missing.</summary>
    static bool IsGzip(string path)
    {
        if (!RegularFile.Exists(path))
            throw new FileNotFoundException($"{path}: file not found - check the path, or run ./denoise data fetch", path);
        if (IsGzipName(path))
            return true;
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        return file.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    static int ReadFully(string path, Stream stream, Span<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: damaged gzip data ({e.Message}) - {FetchHint}", e);
        }
    }

    static bool IsGzipName(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
}
