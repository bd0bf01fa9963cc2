namespace Denoise.IO;

/// <summary>Writes a file so that readers see either the old file or the complete new one, never a partial write.</summary>
public static class AtomicFile
{
    /// <summary>Writes to a temp file in the target folder (same file system), then renames it into place.
    /// If <paramref name="write"/> throws, the temp file is deleted and the target is left untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                // The writer may have closed the stream already (a GZipStream does); then it is flushed too.
                if (stream.CanWrite)
                    stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));
}
