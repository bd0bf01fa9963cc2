using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Denoise.IO;

/// <summary>Writes a file so that readers see either the old file or the complete new one, never a partial write.</summary>
/// <remarks>
/// The temp file is ".NAME.GUID.PID-HOST.tmp": the writer's process id and a tag of its machine's name. The first write
/// of a process into a folder removes the temp files there whose writer is gone (same machine, process not running),
/// which a killed run leaves behind; a temp file of another machine sharing the folder is never touched. Temp files of
/// the older form ".NAME.GUID.tmp" carry no writer, and are removed once untouched for <see cref="LegacyStaleAge"/>:
/// our writes finish in seconds, and a writer keeps its file's modification time fresh.
/// </remarks>
public static partial class AtomicFile
{
    /// <summary>How long a temp file without a writer's id must be untouched before it counts as left behind.</summary>
    internal static readonly TimeSpan LegacyStaleAge = TimeSpan.FromHours(1);

    /// <summary>Eight hex digits of SHA-256 of the machine name: the same for every process here, short and file-name safe.</summary>
    internal static string HostTag { get; } =
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName)))[..8];

    // Folders this process has already swept: a scan per write would make writing n files into a folder O(n^2).
    // It only saves work: leftovers of runs killed since are removed by the next process that writes there.
    private static readonly ConcurrentDictionary<string, bool> Swept = new();

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}(\.(?<pid>[0-9]+)-(?<host>[0-9a-f]{8}))?\.tmp$")]
    private static partial Regex TempPattern();

    /// <summary>The temp name for <paramref name="fileName"/> written by process <paramref name="processId"/> on this machine.</summary>
    internal static string TempName(string fileName, int processId) =>
        $".{fileName}.{Guid.NewGuid():N}.{processId}-{HostTag}.tmp";

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
        if (Swept.TryAdd(folder, true))
        {
            try
            {
                RemoveLeftovers(folder, DateTime.UtcNow);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder we may write but not list: the sweep is a courtesy, the write is the job.
            }
        }
        var temp = Path.Combine(folder, TempName(Path.GetFileName(full), Environment.ProcessId));
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

    /// <summary>Writes <paramref name="bytes"/> like <see cref="Write"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Deletes our temp files in <paramref name="folder"/> whose writer is gone (see the remarks); returns how many.</summary>
    internal static int RemoveLeftovers(string folder, DateTime now)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var match = TempPattern().Match(Path.GetFileName(file));
            if (!match.Success)
                continue;
            var stale = match.Groups["pid"].Success
                ? match.Groups["host"].Value == HostTag && int.TryParse(match.Groups["pid"].Value, out var id) && !IsRunning(id)
                : now - File.GetLastWriteTimeUtc(file) > LegacyStaleAge;
            if (!stale)
                continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process removed it first, or the folder is not ours to clean: the write goes on.
            }
        }
        return removed;
    }

    /// <summary>True while a process with this id runs on this machine (a reused id keeps a leftover for a later sweep: safe).</summary>
    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

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
