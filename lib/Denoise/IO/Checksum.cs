using System.Security.Cryptography;

namespace Denoise.IO;

/// <summary>SHA-256 helpers. Hashing is fast enough (OpenSSL, ~1.7 GB/s with SHA-NI) that we rehash instead of caching.</summary>
public static class Checksum
{
    /// <summary>Lower-case hex SHA-256 of the rest of the stream.</summary>
    public static string Of(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    /// <summary>Lower-case hex SHA-256 of a file as stored (not decompressed).</summary>
    public static string OfFile(string path)
    {
        if (!RegularFile.Exists(path))
            throw new FileNotFoundException($"{path}: file not found - check the path", path);
        using var stream = File.OpenRead(path);
        return Of(stream);
    }

    /// <summary>Throws when the file's hash differs from the pin, naming the file and both hashes.</summary>
    /// <param name="advice">What the user should do, appended to the message.</param>
    public static void Verify(string path, string expected, string advice)
    {
        var actual = OfFile(path);
        if (actual != expected)
            throw Mismatch(path, expected, actual, advice);
    }

    internal static InvalidDataException Mismatch(string what, string expected, string actual, string advice) =>
        new($"{what}: checksum mismatch: expected SHA-256 {expected}, actual {actual} - {advice}");

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> atomically, hashing on the way;
    /// on a mismatch nothing is written and the exception names <paramref name="sourceName"/>.</summary>
    internal static void CopyVerified(Stream source, string target, string expected, string sourceName, string advice)
    {
        AtomicFile.Write(target, file =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            for (int read; (read = source.Read(buffer)) > 0;)
            {
                hash.AppendData(buffer, 0, read);
                file.Write(buffer, 0, read);
            }
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != expected)
                throw Mismatch(sourceName, expected, actual, advice);
        });
    }
}
