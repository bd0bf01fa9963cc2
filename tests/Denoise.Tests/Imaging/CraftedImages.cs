using System.Buffers.Binary;
using System.IO.Compression;

namespace Denoise.Tests.Imaging;

/// <summary>
/// Image files written byte by byte, as an attacker would: small files that announce much more than they hold (many
/// frames or pages of a large canvas), and very thin images. Each is valid for its format; PIL opens them.
/// </summary>
internal static class CraftedImages
{
    /// <summary>
    /// A GIF with a <paramref name="width"/> x <paramref name="height"/> canvas and <paramref name="frames"/> frames of one
    /// pixel each: some 30 bytes per frame, but a decoder that keeps every frame at the canvas size holds them all.
    /// </summary>
    public static byte[] ManyFrameGif(int width, int height, int frames)
    {
        using var gif = new MemoryStream();
        var writer = new BinaryWriter(gif);
        writer.Write("GIF89a"u8);
        writer.Write((ushort)width);
        writer.Write((ushort)height);
        writer.Write([0x80, 0, 0]);                     // a global colour table of 2 entries
        writer.Write([0, 0, 0, 255, 255, 255]);         // black, white
        writer.Write([0x21, 0xFF, 0x0B]);               // loop forever (NETSCAPE2.0)
        writer.Write("NETSCAPE2.0"u8);
        writer.Write([0x03, 0x01, 0x00, 0x00, 0x00]);
        for (var i = 0; i < frames; i++)
        {
            writer.Write([0x21, 0xF9, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]);   // graphic control: no delay
            writer.Write((byte)0x2C);                                          // image descriptor: 1 x 1 at (0, 0)
            writer.Write([0, 0, 0, 0, 1, 0, 1, 0, 0]);
            writer.Write([0x02, 0x02, 0x4C, 0x01, 0x00]);                      // LZW: code size 2; clear, 1 (white), end
        }
        writer.Write((byte)0x3B);
        return gif.ToArray();
    }

    /// <summary>
    /// A TIFF of <paramref name="pages"/> pages, each a <paramref name="width"/> x <paramref name="height"/> 8-bit gray
    /// image of one value (page p: <paramref name="value"/>(p)), in one deflated strip per page, so a page of millions of
    /// pixels takes a few kilobytes.
    /// </summary>
    public static byte[] ManyPageTiff(int width, int height, int pages, Func<int, byte> value)
    {
        using var tiff = new MemoryStream();
        var writer = new BinaryWriter(tiff);
        writer.Write("II"u8);
        writer.Write((ushort)42);
        writer.Write(0);                                // the first page's directory: filled in below
        var strips = Enumerable.Range(0, pages).Select(p => (Offset: (int)tiff.Position, Bytes: Write(writer, Deflated(height, width, value(p))))).ToList();
        var first = (int)tiff.Position;
        const int EntryCount = 9;
        for (var page = 0; page < pages; page++)
        {
            writer.Write((ushort)EntryCount);
            void Entry(ushort tag, ushort type, int number)
            {
                writer.Write(tag);
                writer.Write(type);
                writer.Write(1);
                writer.Write(number);                   // little-endian: a SHORT sits in the low two bytes
            }
            const ushort Short = 3, Long = 4;
            Entry(256, Long, width);                    // ImageWidth
            Entry(257, Long, height);                   // ImageLength
            Entry(258, Short, 8);                       // BitsPerSample
            Entry(259, Short, 8);                       // Compression: deflate
            Entry(262, Short, 1);                       // Photometric: black is zero
            Entry(273, Long, strips[page].Offset);      // StripOffsets
            Entry(277, Short, 1);                       // SamplesPerPixel
            Entry(278, Long, height);                   // RowsPerStrip: one strip
            Entry(279, Long, strips[page].Bytes);       // StripByteCounts
            writer.Write(page == pages - 1 ? 0 : (int)tiff.Position + 4);
        }
        tiff.Position = 4;
        writer.Write(first);
        return tiff.ToArray();
    }

    private static int Write(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes);
        return bytes.Length;
    }

    /// <summary>An 8-bit gray PNG of one value, of any size (its rows deflated as they are made, so it may be huge).</summary>
    public static byte[] GrayPng(int width, int height, byte value) => Png(width, height, Deflated(height, width, value, filterByte: true));

    /// <summary>A PNG whose header is valid and whose pixels are missing: it passes every check of the header and fails to decode.</summary>
    public static byte[] PngWithoutPixels(int width, int height) => Png(width, height, pixels: null);

    private static byte[] Png(int width, int height, byte[]? pixels)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                                  // bit depth; colour type 0 (gray), no interlace
        Chunk(png, "IHDR", header);
        if (pixels is not null)
            Chunk(png, "IDAT", pixels);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Rows of <paramref name="value"/> in zlib format; with a PNG filter byte (0: none) before each row when asked.</summary>
    private static byte[] Deflated(int rows, int columns, byte value, bool filterByte = false)
    {
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[columns + (filterByte ? 1 : 0)];
            Array.Fill(row, value);
            if (filterByte)
                row[0] = 0;
            for (var y = 0; y < rows; y++)
                zlib.Write(row);
        }
        return packed.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        png.Write(head);
        png.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, PngHeader.Crc32([.. head.AsSpan(4), .. data]));
        png.Write(crc);
    }
}
