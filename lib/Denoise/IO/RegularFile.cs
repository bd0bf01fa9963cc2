using System.Runtime.InteropServices;

namespace Denoise.IO;

/// <summary>
/// Looks at what a path names before anything opens it: opening a FIFO for reading waits for a writer forever, and
/// folders, devices and sockets are never images or data. Symbolic links are followed.
/// </summary>
public static class RegularFile
{
    /// <summary>
    /// True for a regular file, false when nothing is there (the caller says what to do then).
    /// </summary>
    /// <exception cref="IOException">The path names a folder, FIFO, device or socket; the one-line message names the path and what it is.</exception>
    public static bool Exists(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var type = TypeOf(path);
        return type switch
        {
            FileType.Missing => false,
            FileType.Regular => true,
            _ => throw new IOException($"{path}: {Describe(type)}, not a regular file - give the path of a file"),
        };
    }

    /// <summary>True only for a regular file; never throws for a path that exists (for scanning folders: skip the rest).</summary>
    public static bool IsRegular(string path) => TypeOf(path) == FileType.Regular;

    /// <summary>
    /// True when the two paths name the same file or folder, however they are spelled: where both exist, the same device
    /// and inode (so a symbolic or hard link to a file is that file); otherwise the same full path once symbolic links
    /// on the way are followed.
    /// </summary>
    public static bool SameFile(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Identity(a) is { } first && Identity(b) is { } second ? first == second : Resolved(a) == Resolved(b);
    }

    /// <summary>The device and inode stat(2) gives (the first two fields of struct stat on x86-64 and arm64); null where unknown.</summary>
    private static (ulong Device, ulong Inode)? Identity(string path)
    {
        if (ModeOffset is null)
            return null;
        var buffer = new byte[256];
        return Stat(path, buffer) == 0 ? (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8)) : null;
    }

    /// <summary>The full path with every symbolic link on the way followed (what realpath(3) gives for existing parts).</summary>
    private static string Resolved(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = target.FullName;
        }
        return current;
    }

    private enum FileType { Missing, Regular, Folder, Fifo, CharacterDevice, BlockDevice, Socket, Other }

    private static string Describe(FileType type) => type switch
    {
        FileType.Folder => "is a folder",
        FileType.Fifo => "is a FIFO (named pipe), reading it could wait forever",
        FileType.CharacterDevice => "is a character device",
        FileType.BlockDevice => "is a block device",
        FileType.Socket => "is a socket",
        _ => "is a special file",
    };

    /// <summary>What stat(2) says; where this code does not know struct stat, or stat gives no answer (a permission
    /// problem, left to the open that follows), .NET's own checks, which tell folders from files but not FIFOs from files.</summary>
    private static FileType TypeOf(string path)
    {
        if (ModeOffset is { } offset)
        {
            var buffer = new byte[256]; // struct stat is 144 bytes on x86-64, 128 on arm64
            if (Stat(path, buffer) == 0)
                return (BitConverter.ToUInt32(buffer, offset) & 0xF000) switch
                {
                    0x8000 => FileType.Regular,
                    0x4000 => FileType.Folder,
                    0x1000 => FileType.Fifo,
                    0x2000 => FileType.CharacterDevice,
                    0x6000 => FileType.BlockDevice,
                    0xC000 => FileType.Socket,
                    _ => FileType.Other,
                };
            const int NoEntry = 2, NotADirectory = 20;
            if (Marshal.GetLastPInvokeError() is NoEntry or NotADirectory)
                return FileType.Missing;
        }
        return Directory.Exists(path) ? FileType.Folder : File.Exists(path) ? FileType.Regular : FileType.Missing;
    }

    // st_mode's offset in Linux's struct stat: after st_dev, st_ino, st_nlink on x86-64, after st_dev, st_ino on arm64.
    private static readonly int? ModeOffset = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 24,
        Architecture.Arm64 => 16,
        _ => null,
    };

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
}
