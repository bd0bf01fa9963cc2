using System.Text.Json;
using Denoise.IO;

namespace Denoise.Data;

/// <summary>
/// What was verified about a data file, kept beside it as ".NAME.verified" (size, modification time, SHA-256): loading
/// compares size and time, a stat, and hashes the file again only when they changed (47 MB hash in ~30 ms; a stat in
/// microseconds). A change that keeps both size and modification time is not noticed here; ./denoise data fetch hashes every time.
/// </summary>
internal static class DataStamp
{
    private sealed record Stamp(long Bytes, DateTime ModifiedUtc, string Sha256);

    /// <summary>Where the stamp of a data file lives: ".NAME.verified" in the same folder.</summary>
    public static string PathOf(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.verified");

    /// <summary>
    /// Records that the file as it is now has this hash. Best effort: in a read-only data folder nothing is recorded and
    /// every load hashes the file, which costs time but never correctness.
    /// </summary>
    public static void Record(string path, string sha256)
    {
        var info = new FileInfo(path);
        var stamp = new Stamp(info.Length, info.LastWriteTimeUtc, sha256);
        if (Read(path) == stamp)
            return;
        try
        {
            AtomicFile.WriteAllBytes(PathOf(path), JsonSerializer.SerializeToUtf8Bytes(stamp));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // See above: without a stamp the next load hashes again.
        }
    }

    /// <summary>Throws unless the file is the pinned one: by its stamp when size and time still match, else by its hash.</summary>
    /// <exception cref="InvalidDataException">The file's SHA-256 is not its pin; the message names the file and both hashes.</exception>
    public static void Check(DataFile file, string path) =>
        Check(path, file.Sha256, "the file is damaged or not the original; run ./denoise data fetch to replace it");

    /// <summary>Throws unless the file's SHA-256 is <paramref name="sha256"/>: by its stamp when size and time still match, else by its hash.</summary>
    /// <param name="advice">What the user should do about a mismatch, appended to the message.</param>
    public static void Check(string path, string sha256, string advice)
    {
        var info = new FileInfo(path);
        if (Read(path) is { } stamp && stamp.Sha256 == sha256 && stamp.Bytes == info.Length && stamp.ModifiedUtc == info.LastWriteTimeUtc)
            return;
        Checksum.Verify(path, sha256, advice);
        Record(path, sha256);
    }

    private static Stamp? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Stamp>(File.ReadAllBytes(PathOf(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // no stamp, or a damaged one: hash the file
        }
    }
}
