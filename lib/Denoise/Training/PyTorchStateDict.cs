using System.Collections;
using System.IO.Compression;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// The state dict in a file torch.save wrote (PyTorch 1.6 or later: a zip of data.pkl and one file per storage), read
/// the way torch.load reads it: each tensor is a view (offset, shape, strides) of a storage that several tensors may
/// share (slices, <c>split</c>, pruned channels, transposes), and a dict of <c>nn.Parameter</c> holds tensors too. Every
/// tensor comes out as a contiguous copy of its own. The pickle is scanned first (<see cref="PickleScan"/>): it may
/// call nothing but what a state dict needs, so no other class is ever built, and no length in it is believed.
/// </summary>
internal static class PyTorchStateDict
{
    /// <summary>What a state dict's pickle may name: its dict, tensors, parameters and storage types.</summary>
    private static readonly HashSet<string> Allowed =
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        .. Storages().Select(s => "torch." + s.Name),
    ];

    /// <summary>
    /// The name → tensor entries of the zip's pickle, every tensor contiguous and on the CPU (the caller's dispose scope
    /// owns them).
    /// </summary>
    /// <exception cref="InvalidDataException">The pickle is not a state dict, or damaged; the message says why (the caller names the file).</exception>
    public static Dictionary<string, Tensor> Read(ZipArchive archive)
    {
        var pickleEntry = archive.Entries.First(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal));
        var prefix = pickleEntry.FullName[..^"data.pkl".Length];
        var pickle = new byte[pickleEntry.Length];
        using (var stream = pickleEntry.Open())
            stream.ReadExactly(pickle);

        var globals = PickleScan.Globals(pickle);
        if (globals.FirstOrDefault(g => !Allowed.Contains(g)) is { } other)
        {
            throw new InvalidDataException(globals.Any(g => g.StartsWith("torch.nn.modules.", StringComparison.Ordinal))
                ? $"holds a whole pickled model ({other}), not its state dict"
                : $"holds a pickled {other}, which is no part of a state dict of tensors");
        }

        // Razorvine keeps its constructors in one table for the process (TorchSharp.PyBridge fills it with its own):
        // ours are set before every read.
        Unpickler.registerConstructor("collections", "OrderedDict", new DictConstructor());
        foreach (var name in new[] { "_rebuild_tensor", "_rebuild_tensor_v2" })
            Unpickler.registerConstructor("torch._utils", name, new TensorConstructor());
        foreach (var name in new[] { "_rebuild_parameter", "_rebuild_parameter_with_state" })
            Unpickler.registerConstructor("torch._utils", name, new ParameterConstructor());

        using var unpickler = new StorageUnpickler(archive, prefix);
        var loaded = unpickler.loads(pickle);
        if (loaded is not Hashtable table)
            throw new InvalidDataException($"holds {Describe(loaded)}, not a state dict (a dict from parameter names to tensors)");
        var state = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string key || entry.Value is not Tensor tensor)
                throw new InvalidDataException($"not a state dict: its entry '{entry.Key}' holds {Describe(entry.Value)}, not a tensor");
            state[key] = tensor;
        }
        return state;
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        ClassDict c => $"a {c.ClassName}",
        ICollection => "a list",
        string => "a string",
        _ => "a number or another value",
    };

    /// <summary>torch.save's storage types with the dtype of their elements and its size in bytes.</summary>
    private static IEnumerable<(string Name, ScalarType Type, int Bytes)> Storages() =>
    [
        ("DoubleStorage", ScalarType.Float64, 8), ("FloatStorage", ScalarType.Float32, 4), ("HalfStorage", ScalarType.Float16, 2),
        ("BFloat16Storage", ScalarType.BFloat16, 2), ("LongStorage", ScalarType.Int64, 8), ("IntStorage", ScalarType.Int32, 4),
        ("ShortStorage", ScalarType.Int16, 2), ("CharStorage", ScalarType.Int8, 1), ("ByteStorage", ScalarType.Byte, 1),
        ("BoolStorage", ScalarType.Bool, 1),
    ];

    /// <summary>A storage of the archive, read once however many tensors view it.</summary>
    private sealed record Storage(Tensor Elements);

    /// <summary>Resolves torch.save's persistent ids ("storage", type, key, location, size) to the archive's storage files.</summary>
    private sealed class StorageUnpickler(ZipArchive archive, string prefix) : Unpickler
    {
        private readonly Dictionary<string, Storage> storages = [];

        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: 5 } id || id[0] is not "storage" || id[1] is not ClassDictConstructor type || id[2] is not string key)
                throw new InvalidDataException("its pickle refers to something other than a tensor storage");
            if (storages.TryGetValue(key, out var known))
                return known;
            var (_, dtype, bytes) = Storages().FirstOrDefault(s => s.Name == type.name);
            if (bytes == 0)
                throw new InvalidDataException($"its storage {key} is of type {type.name}, which we do not read");
            var count = Whole(id[4], "a storage size");
            var entry = archive.GetEntry($"{prefix}data/{key}")
                ?? throw new InvalidDataException($"its storage {key} is missing from the archive");
            // Sizes first: the file's bytes, not the pickle's word, decide what is allocated.
            if (count > entry.Length / bytes || entry.Length != count * bytes)
                throw new InvalidDataException($"its storage {key} holds {entry.Length:N0} bytes, not the {count:N0} elements of {bytes} bytes its pickle says");
            var elements = empty(count, dtype);
            using (var stream = entry.Open())
                elements.ReadBytesFromStream(stream);
            return storages[key] = new Storage(elements);
        }
    }

    /// <summary>torch._utils._rebuild_tensor(_v2)(storage, offset, size, stride, ...): the view, copied into a contiguous tensor.</summary>
    private sealed class TensorConstructor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length < 4 || args[0] is not Storage storage || args[2] is not object[] size || args[3] is not object[] stride || size.Length != stride.Length)
                throw new InvalidDataException("a tensor in its pickle is not described as torch.save describes one");
            var offset = Whole(args[1], "a storage offset");
            var shape = size.Select(s => Whole(s, "a size")).ToArray();
            var strides = stride.Select(s => Whole(s, "a stride")).ToArray();
            var available = storage.Elements.shape[0];
            // The last element the view reaches must lie in the storage (as_strided would read past it otherwise).
            var last = offset;
            try
            {
                if (!shape.Contains(0))
                    last = checked(offset + shape.Zip(strides, (n, s) => checked((n - 1) * s)).Sum());
            }
            catch (OverflowException)
            {
                last = long.MaxValue;
            }
            if (offset > available || (!shape.Contains(0) && last >= available))
                throw new InvalidDataException($"a tensor of shape [{string.Join(", ", shape)}], strides [{string.Join(", ", strides)}] at offset {offset} reaches past its storage of {available:N0} elements");
            using var view = storage.Elements.as_strided(shape, strides, offset);
            return view.contiguous().clone();
        }
    }

    /// <summary>torch._utils._rebuild_parameter(data, requires_grad, hooks[, state]): an nn.Parameter's tensor.</summary>
    private sealed class ParameterConstructor : IObjectConstructor
    {
        public object construct(object[] args) =>
            args.Length >= 1 && args[0] is Tensor tensor
                ? tensor
                : throw new InvalidDataException("a parameter in its pickle holds no tensor");
    }

    /// <summary>collections.OrderedDict(): a dict; the state a state dict carries besides its entries (_metadata) is dropped.</summary>
    private sealed class DictConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new OrderedDict();
    }

    private sealed class OrderedDict : Hashtable
    {
        // Called by Razorvine for BUILD: PyTorch sets the dict's _metadata (versions of the modules) there.
        public void __setstate__(Hashtable state)
        {
        }
    }

    private static long Whole(object? value, string what) => value switch
    {
        int i and >= 0 => i,
        long l and >= 0 => l,
        _ => throw new InvalidDataException($"its pickle gives {what} that is not a whole number from 0 on: {value}"),
    };
}
