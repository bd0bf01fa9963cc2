using System.Text;
using Denoise.IO;
using Denoise.Models;
using Denoise.Training;

namespace Denoise.Cli;

/// <summary>
/// The one check every verb makes on a path it will write, before it reads or computes anything: a file name (not
/// empty, not a folder, not below a file, not a device or FIFO), never a file the verb reads (however it is named: links
/// are followed), and, if a file is there already, one of the kind the verb writes: a model replaces a model, a PNG a
/// PNG, never the one by the other.
/// </summary>
internal static class OutputFile
{
    /// <summary>What a verb writes: its name in messages and how such a file begins.</summary>
    internal sealed record Kind(string Noun, Func<byte[], bool> Begins);

    public static readonly Kind Model = Starting("a denoise model file", ModelFile.Magic);
    public static readonly Kind Checkpoint = Starting("a denoise training checkpoint", Denoise.Training.Checkpoint.Magic);
    public static readonly Kind Png = new("a PNG image", head => head.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]));
    public static readonly Kind Weights = new("a PyTorch or safetensors file",
        head => head.AsSpan().StartsWith("PK\u0003\u0004"u8) || (head.Length > 8 && head[8] == (byte)'{'));
    public static readonly Kind Json = new("a JSON file", head => Encoding.UTF8.GetString(head).TrimStart().StartsWith('{'));

    /// <summary>
    /// <paramref name="path"/>, given as <paramref name="option"/>, if the verb may write it; else an
    /// <see cref="ArgumentException"/> naming the option, the path and what to do.
    /// </summary>
    public static string Check(string option, string? path, Kind kind, params (string Path, string What)[] inputs)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"{option} is empty; give a file name");
        if (Path.EndsInDirectorySeparator(path) || Directory.Exists(path))
            throw new ArgumentException($"{option} {path} is a folder; give a file name");
        foreach (var (input, what) in inputs)
        {
            if (RegularFile.SameFile(path, input))
                throw new ArgumentException($"{option} {path} is the {what} itself; give another file name");
        }
        for (var part = Path.GetDirectoryName(Path.GetFullPath(path)); part is not null && !Directory.Exists(part); part = Path.GetDirectoryName(part))
        {
            if (File.Exists(part))
                throw new ArgumentException($"{option} {path}: {part} is a file, so no folder can be made in it - choose another path");
        }
        if (Exists(option, path) && !Holds(path, kind))
            throw new ArgumentException($"{option} {path} exists and is not {kind.Noun}, which is all this may replace - give another file name, or remove it first");
        return path;
    }

    /// <summary>True when the two paths name the same file or folder (see <see cref="RegularFile.SameFile"/>).</summary>
    public static bool SamePlace(string a, string b) => RegularFile.SameFile(a, b);

    private static Kind Starting(string noun, string magic)
    {
        var bytes = Encoding.ASCII.GetBytes(magic);
        return new Kind(noun, head => head.AsSpan().StartsWith(bytes));
    }

    /// <summary>True for a regular file; a device, FIFO or socket is refused under the option's name.</summary>
    private static bool Exists(string option, string path)
    {
        try
        {
            return RegularFile.Exists(path);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"{option} {e.Message}", e);
        }
    }

    /// <summary>True when the file is empty or begins like <paramref name="kind"/>.</summary>
    private static bool Holds(string path, Kind kind)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[64];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return read == 0 || kind.Begins(head[..read]);
    }
}
