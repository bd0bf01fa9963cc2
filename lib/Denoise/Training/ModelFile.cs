using System.Text.Json;
using System.Text.Json.Serialization;
using Denoise.IO;
using Denoise.Models;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// A trained model in one file: the line "DENOISE-MODEL", a JSON <see cref="ModelMetadata"/> block with its length,
/// then the TorchSharp weights. Training checkpoints share the layout under their own header and add the optimiser's
/// state after the weights. Saving is atomic; loading builds the architecture the file names (through
/// <see cref="Architectures"/>) and refuses files of another kind, an unknown architecture, truncated or non-finite
/// weights with a message that names the file.
/// </summary>
public static class ModelFile
{
    /// <summary>
    /// A kind of framed file: its header line, what to call it (short and in full), and what to advise for a file of
    /// another kind and for a damaged one.
    /// </summary>
    internal sealed record Kind(string Magic, string Noun, string FullName, string IfForeign, string Advice);

    public const string Magic = "DENOISE-MODEL\n";

    internal static readonly Kind ModelKind = new(Magic, "model file", "denoise model file", "train one with ./denoise train", "train it again with ./denoise train");

    // Nullable annotations hold when reading: a file whose metadata says "Noise": null is refused as damaged, instead
    // of failing later, wherever the missing value is first used.
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, RespectNullableAnnotations = true };

    public static void Save(string path, Denoiser model, ModelMetadata metadata) => Write(path, ModelKind, model, metadata);

    /// <summary>The model the file holds (in eval mode; the caller owns it) and what the file says about it.</summary>
    public static (Denoiser Model, ModelMetadata Metadata) Load(string path)
    {
        using var file = Open(path, ModelKind);
        return (file.LoadModel(), file.Metadata);
    }

    /// <summary>Reads only the metadata block, e.g. to show what a model file holds without loading its weights.</summary>
    public static ModelMetadata ReadMetadata(string path)
    {
        using var file = Open(path, ModelKind);
        return file.Metadata;
    }

    /// <summary>Writes header, metadata, the model's weights and then whatever <paramref name="more"/> adds, atomically.</summary>
    internal static void Write(string path, Kind kind, Denoiser model, ModelMetadata metadata, Action<BinaryWriter>? more = null)
    {
        if (metadata.Architecture != model.Architecture)
            throw new ArgumentException($"metadata says '{metadata.Architecture}' but the model is '{model.Architecture}'", nameof(metadata));
        var json = JsonSerializer.Serialize(metadata, Json);
        FramedFile.WriteAtomically(path, kind.Magic, json, writer =>
        {
            model.save(writer);
            more?.Invoke(writer);
        });
    }

    /// <summary>Opens a file of <paramref name="kind"/> and reads its metadata; the weights are read by <see cref="Opened.LoadModel"/>.</summary>
    internal static Opened Open(string path, Kind kind)
    {
        (string Json, BinaryReader Reader)? framed;
        try
        {
            framed = FramedFile.Open(path, kind.Magic);
        }
        catch (EndOfStreamException e)
        {
            throw Corrupt(path, kind, e);
        }

        if (framed is not { } file)
            throw new InvalidDataException($"{path}: not a {kind.FullName} (no {kind.Magic.TrimEnd()} header) - {kind.IfForeign}");
        try
        {
            var metadata = JsonSerializer.Deserialize<ModelMetadata>(file.Json, Json)
                ?? throw new InvalidDataException($"{path}: the {kind.Noun}'s metadata is empty - {kind.Advice}");
            Architectures.Get(metadata.Architecture);   // an unknown architecture fails here, before any weights are read
            // Nullable annotations do not reach into lists: an epoch of the history may still be null.
            if (metadata.History.Any(epoch => epoch is null))
                throw new JsonException("an epoch of its history is null");
            return new Opened(path, kind, metadata, file.Reader);
        }
        catch (Exception e)
        {
            file.Reader.Dispose();
            throw e switch
            {
                JsonException json => Damaged(path, kind, json),
                ArgumentException => new InvalidDataException($"{path}: {e.Message}", e),
                _ => e,
            };
        }
    }

    /// <summary>An open file positioned after its metadata.</summary>
    internal sealed record Opened(string Path, Kind Kind, ModelMetadata Metadata, BinaryReader Reader) : IDisposable
    {
        /// <summary>Builds the file's architecture and reads its weights (eval mode); refuses weights that are not finite.</summary>
        public Denoiser LoadModel()
        {
            var model = Architectures.Create(Metadata.Architecture, seed: 0);
            try
            {
                model.load(Reader);
                model.eval();
            }
            catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidDataException or IOException)
            {
                model.Dispose();
                throw Corrupt(Path, Kind, e);
            }

            if (model.named_parameters().FirstOrDefault(p => !isfinite(p.parameter).all().item<bool>()) is { name: { } bad })
            {
                model.Dispose();
                throw new InvalidDataException($"{Path}: the weights hold NaN or infinite values (in {bad}) - {Kind.Advice}");
            }
            return model;
        }

        public void Dispose() => Reader.Dispose();
    }

    /// <summary>
    /// Metadata that does not read: where, and why in our converters' words (System.Text.Json's own messages name .NET
    /// types, and end in " Path: ..."; for those, where the value is says enough).
    /// </summary>
    private static InvalidDataException Damaged(string path, Kind kind, JsonException e)
    {
        var why = e.Message.Contains(" Path: ", StringComparison.Ordinal) ? "a value is missing or not of its kind" : e.Message.TrimEnd('.');
        return new($"{path}: the {kind.Noun}'s metadata is damaged{(e.Path is { } at ? $" at {at}" : "")} ({why}) - {kind.Advice}", e);
    }

    internal static InvalidDataException Corrupt(string path, Kind kind, Exception inner) =>
        new($"{path}: the {kind.Noun} is truncated or corrupt ({inner.Message.TrimEnd('.')}) - {kind.Advice}", inner);
}
