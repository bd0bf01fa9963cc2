using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Denoise.IO;
using Denoise.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// A model's weights to and from PyTorch, through TorchSharp.PyBridge: its state dict, keyed by the model's own parameter
/// names (the seed model's encode1.weight … output.bias are those of <c>ConvAutoencoder</c> in
/// bench/pytorch_reference.py), as a PyTorch file or a safetensors file. Works for every registered architecture.
/// Imports are checked before any weight is used: the format, sizes (before anything large is read), the keys and
/// shapes against the architecture (naming the architecture a file fits when it is another one), and finiteness.
/// </summary>
public static class PyTorchWeights
{
    // A safetensors header beyond this is not a state dict of ours; refuse it rather than allocate it.
    private const int MaxHeaderBytes = 16 * 1024 * 1024;
    private const string PyTorchAdvice = "save one in PyTorch with torch.save(model.state_dict(), path)";

    /// <summary>The command-line and file-note name of a format: safetensors or pytorch.</summary>
    public static string Name(WeightFormat format) => format switch
    {
        WeightFormat.SafeTensors => "safetensors",
        WeightFormat.PyTorch => "pytorch",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown weight format"),
    };

    /// <summary>The usual file extension of a format: .safetensors or .pt.</summary>
    public static string Extension(WeightFormat format) => format == WeightFormat.PyTorch ? ".pt" : ".safetensors";

    /// <summary>Writes <paramref name="model"/>'s state dict to <paramref name="path"/> in <paramref name="format"/>, atomically.</summary>
    public static void Export(Denoiser model, string path, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        AtomicFile.Write(path, stream =>
        {
            if (format == WeightFormat.PyTorch)
                model.save_py(stream, leaveOpen: true);
            else
                model.save_safetensors(stream, leaveOpen: true);
        });
    }

    /// <summary>
    /// A model of <paramref name="architecture"/> (in eval mode; the caller owns it) holding the weights of the PyTorch or
    /// safetensors file at <paramref name="path"/> (told apart by their contents), and metadata that names the file:
    /// no training options, no history.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a state dict of that architecture; the message says why and what to do.</exception>
    public static (Denoiser Model, ModelMetadata Metadata) Import(string architecture, string path)
    {
        var target = Architectures.Get(architecture);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file", path);
        var shapes = Architectures.All.ToDictionary(a => a.Name, ShapesOf);
        // The largest architecture's weights even in float64, twice over, leave ample room for a file's structure.
        var limit = 2 * shapes.Values.Max(s => s.Values.Sum(shape => 8 * Count(shape))) + (1 << 20);
        var model = target.Create(0);
        WeightFormat format;
        try
        {
            using var scope = NewDisposeScope();
            (format, var state) = Read(path, limit);
            var counts = model.state_dict().Where(p => !p.Value.is_floating_point()).Select(p => p.Key).ToHashSet();
            Check(path, target.Name, state, shapes, counts);
            using var noGrad = no_grad();
            foreach (var (name, tensor) in model.state_dict())
                tensor.copy_(state[name]);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        model.eval();
        var source = $"{(format == WeightFormat.PyTorch ? "PyTorch state dict" : "safetensors")} {Path.GetFileName(path)} (SHA-256 {Checksum.OfFile(path)})";
        return (model, ModelMetadata.For(model, null, []) with { Source = source });
    }

    private static Dictionary<string, long[]> ShapesOf(Architecture architecture)
    {
        using var scope = NewDisposeScope();
        using var model = architecture.Create(0);
        return model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
    }

    private static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>The format and the state dict of a file, after checks of its size and structure.</summary>
    private static (WeightFormat Format, Dictionary<string, Tensor> State) Read(string path, long limit)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length > limit)
            throw new InvalidDataException($"{path}: {stream.Length:N0} bytes, more than the weights of any architecture we know take ({Architectures.Names}) - is it a state dict of another network?");
        Span<byte> head = stackalloc byte[9];
        var got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got >= 4 && head[..4].SequenceEqual("PK\u0003\u0004"u8))
            return (WeightFormat.PyTorch, ReadPyTorch(stream, path, limit));
        if (got >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5)
            throw new InvalidDataException($"{path}: a PyTorch file in the legacy format (before PyTorch 1.6, or saved with _use_new_zipfile_serialization=False), which we cannot read - {PyTorchAdvice}");
        if (got == head.Length && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) is var length
            && length <= MaxHeaderBytes && length <= (ulong)stream.Length - 8)
            return (WeightFormat.SafeTensors, ReadSafeTensors(stream, path, (int)length));
        throw new InvalidDataException($"{path}: neither a PyTorch state dict nor a safetensors file - {PyTorchAdvice}, or with safetensors' save_file");
    }

    private static Dictionary<string, Tensor> ReadPyTorch(FileStream stream, string path, long limit)
    {
        stream.Position = 0;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw NotAStateDict(path, e);
        }

        using (archive)
        {
            // Sizes from the zip's directory, before anything is decompressed.
            var unpacked = archive.Entries.Sum(e => e.Length);
            if (unpacked > limit)
                throw new InvalidDataException($"{path}: unpacks to {unpacked:N0} bytes, more than the weights of any architecture we know take - is it a state dict of another network?");
            if (!archive.Entries.Any(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)))
                throw new InvalidDataException($"{path}: a zip file but not one torch.save wrote (no data.pkl) - {PyTorchAdvice}");
        }

        // Opened again for the reading: the check above has to see every entry before anything is decompressed.
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        try
        {
            return PyTorchStateDict.Read(zip);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message} - {PyTorchAdvice}", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Razorvine's own messages advise on its API; their first sentence is the news.
            throw NotAStateDict(path, e);
        }
    }

    private static InvalidDataException NotAStateDict(string path, Exception inner) =>
        new($"{path}: not a PyTorch state dict (its pickle is damaged: {inner.Message.ReplaceLineEndings(" ").Split(". ")[0].TrimEnd('.')}) - {PyTorchAdvice}", inner);

    private static Dictionary<string, Tensor> ReadSafeTensors(FileStream stream, string path, int headerLength)
    {
        var header = new byte[headerLength];
        stream.Position = 8;
        stream.ReadExactly(header);
        var data = stream.Length - 8 - headerLength;
        try
        {
            using var json = JsonDocument.Parse(header);
            foreach (var entry in json.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
            {
                var size = entry.Value.GetProperty("dtype").GetString() switch
                {
                    "F64" or "I64" => 8,
                    "F32" or "I32" => 4,
                    "F16" or "BF16" or "I16" => 2,
                    "I8" or "U8" or "BOOL" => 1,
                    var other => throw new InvalidDataException($"dtype {other} of {entry.Name} is not one we read"),
                };
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                if (shape.Any(d => d < 0) || offsets.Length != 2 || offsets[0] < 0 || offsets[0] > offsets[1] || offsets[1] > data
                    || checked(Count(shape) * size) != offsets[1] - offsets[0])
                    throw new InvalidDataException($"{entry.Name}'s shape [{string.Join(", ", shape)}] and offsets [{string.Join(", ", offsets)}] do not fit the {data:N0} bytes of data");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a valid safetensors file ({e.Message.TrimEnd('.')}) - save one with safetensors' save_file(model.state_dict(), path)", e);
        }

        stream.Position = 0;
        return Safetensors.LoadStateDict(stream, leaveOpen: true);
    }

    /// <summary>
    /// Refuses a state dict that is not exactly <paramref name="architecture"/>'s, saying what differs. The entries named
    /// in <paramref name="counts"/> are integers in the architecture (BatchNorm's num_batches_tracked, int64 in PyTorch
    /// too) and must be integers in the file; every other entry is a weight and must be finite floating point.
    /// </summary>
    private static void Check(string path, string architecture, Dictionary<string, Tensor> state,
        Dictionary<string, Dictionary<string, long[]>> shapes, IReadOnlySet<string> counts)
    {
        var expected = shapes[architecture];
        bool Fits(Dictionary<string, long[]> wanted) =>
            wanted.Count == state.Count && wanted.All(p => state.TryGetValue(p.Key, out var t) && t.shape.SequenceEqual(p.Value));

        if (!Fits(expected))
        {
            if (shapes.FirstOrDefault(s => s.Key != architecture && Fits(s.Value)).Key is { } other)
                throw new InvalidDataException($"{path}: these are weights of '{other}', not '{architecture}' - import them with --arch {other}");
            var missing = expected.Keys.Where(k => !state.ContainsKey(k)).ToList();
            var extra = state.Keys.Where(k => !expected.ContainsKey(k)).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                throw new InvalidDataException($"{path}: not the state dict of '{architecture}': {Keys("missing", missing)}{(missing.Count > 0 && extra.Count > 0 ? "; " : "")}{Keys("unexpected", extra)} - export the PyTorch network whose parameter names are those of '{architecture}' (see bench/pytorch_reference.py)");
            var (name, shape) = expected.First(p => !state[p.Key].shape.SequenceEqual(p.Value));
            throw new InvalidDataException($"{path}: {name} is {Shape(state[name].shape)} but '{architecture}' has {Shape(shape)} - is it another network of the same layer names?");
        }

        foreach (var (name, tensor) in state)
        {
            if (counts.Contains(name))
            {
                if (tensor.is_floating_point() || tensor.dtype == ScalarType.Bool)
                    throw new InvalidDataException($"{path}: {name} holds {DType(tensor.dtype)} values; it is a count (as BatchNorm's num_batches_tracked) and must hold integers");
                continue;
            }
            if (!tensor.is_floating_point())
                throw new InvalidDataException($"{path}: {name} holds {DType(tensor.dtype)} values; weights must be floating point");
            if (!isfinite(tensor).all().item<bool>())
                throw new InvalidDataException($"{path}: {name} holds NaN or infinite values - export weights from a model that trained without diverging");
            if (tensor.dtype != ScalarType.Float32)
                state[name] = tensor.to_type(ScalarType.Float32);
        }
    }

    /// <summary>A dtype as PyTorch writes it: float32, int64.</summary>
    private static string DType(ScalarType type) => type.ToString().ToLowerInvariant();

    private static string Keys(string what, List<string> keys) => keys.Count == 0
        ? ""
        : $"{what} {string.Join(", ", keys.Take(4))}{(keys.Count > 4 ? $" and {keys.Count - 4} more" : "")}";

    private static string Shape(long[] shape) => string.Join("x", shape);
}
