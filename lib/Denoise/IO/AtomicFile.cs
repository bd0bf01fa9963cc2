namespace Denoise.IO;

/// <summary>Writes a file so that readers see either the old file or the complete new one, never a partial write.</summary>
internal static class AtomicFile
{
    /// <summary>Writes to a temp file in the target folder (same file system), then renames it into place.
    /// If <paramref name="write"/> throws, the temp file is deleted and the target is left untouched.</summary>
    /// <exception cref="IOException">The path names a folder, lies below a file, or cannot be written (a read-only folder,
    /// a full disk); the one-line message names <paramref name="path"/> as given, never the temp file.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        if (Path.EndsInDirectorySeparator(path))
            throw new IOException($"{path}: ends in '{Path.DirectorySeparatorChar}', so it names a folder - give a file name");
        if (Directory.Exists(full))
            throw new IOException($"{path}: is a folder - give a file name");
        var folder = Path.GetDirectoryName(full)!;
        CreateFolder(path, folder);
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e.Message.Contains(temp))
        {
            throw new IOException($"{path}: not written ({Reason(e, temp)}) - nothing was changed; make {folder} writable or choose another path", e);
        }
        finally
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing was created, or the folder turned read-only meanwhile: the write's own outcome is the news.
            }
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Creates the target's folder, naming the user's path and the part in the way when that is impossible.</summary>
    private static void CreateFolder(string path, string folder)
    {
        for (var part = folder; part is not null && !Directory.Exists(part); part = Path.GetDirectoryName(part))
        {
            if (File.Exists(part))
                throw new IOException($"{path}: {part} is a file, so no folder can be made in it - choose another path");
        }
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot create its folder {folder} ({Reason(e, folder)}) - check the permissions or choose another path", e);
        }
    }

    /// <summary>What went wrong, without the name of the file or folder we were making (.NET's messages end with it).</summary>
    private static string Reason(Exception e, string made) => e is UnauthorizedAccessException
        ? "permission denied"
        : e.Message.Replace($" : '{made}'", "").Replace($"'{made}'", "it").TrimEnd('.');
}
