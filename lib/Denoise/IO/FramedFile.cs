using System.Text;

namespace Denoise.IO;

/// <summary>
/// The layout shared by model files and checkpoints: an ASCII magic line, a little-endian int32 length and that many
/// bytes of UTF-8 JSON, then binary TorchSharp state. Writes go to a temp file in the same folder and are renamed into place.
/// </summary>
internal static class FramedFile
{
    // A metadata block beyond this is not something we wrote; refuse it rather than allocate it.
    private const int MaxJsonBytes = 16 * 1024 * 1024;

    public static void WriteAtomically(string path, string magic, string json, Action<BinaryWriter> writeState)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(magic));
            var bytes = Encoding.UTF8.GetBytes(json);
            writer.Write(bytes.Length);
            writer.Write(bytes);
            writeState(writer);
        });
    }

    /// <summary>
    /// Opens <paramref name="path"/>, checks the magic line and returns the JSON block with a reader positioned
    /// at the binary state; null when the file does not start with <paramref name="magic"/>.
    /// </summary>
    public static (string Json, BinaryReader Reader)? Open(string path, string magic)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var stream = File.OpenRead(path);
        var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var expected = Encoding.ASCII.GetBytes(magic);
            if (!reader.ReadBytes(expected.Length).AsSpan().SequenceEqual(expected))
            {
                reader.Dispose();
                return null;
            }

            var length = reader.ReadInt32();
            if (length is < 0 or > MaxJsonBytes || length > stream.Length - stream.Position)
                throw new EndOfStreamException($"metadata length {length} does not fit in the file");
            var json = Encoding.UTF8.GetString(reader.ReadBytes(length));
            return (json, reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }
}
