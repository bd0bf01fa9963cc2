using System.Text.Json;

namespace Denoise.Models;

/// <summary>
/// A trained model in one file: the line "DENOISE-MODEL", a JSON <see cref="ModelMetadata"/> block with its length,
/// then the TorchSharp weights. Saving is atomic; loading refuses files of another kind or architecture with a message
/// that names the file.
/// </summary>
public static class ModelFile
{
    public const string Magic = "DENOISE-MODEL\n";

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Save(string path, ConvAutoencoder model, ModelMetadata metadata)
    {
        var json = JsonSerializer.Serialize(metadata, Json);
        FramedFile.WriteAtomically(path, Magic, json, writer => model.save(writer));
    }

    public static (ConvAutoencoder Model, ModelMetadata Metadata) Load(string path)
    {
        var metadata = ReadMetadata(path, out var reader);
        using (reader)
        {
            var model = new ConvAutoencoder(seed: 0);
            try
            {
                model.load(reader);
                model.eval();
                return (model, metadata);
            }
            catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidDataException or IOException)
            {
                model.Dispose();
                throw Corrupt(path, e);
            }
        }
    }

    /// <summary>Reads only the metadata block, e.g. to show what a model file holds without loading its weights.</summary>
    public static ModelMetadata ReadMetadata(string path)
    {
        var metadata = ReadMetadata(path, out var reader);
        reader.Dispose();
        return metadata;
    }

    private static ModelMetadata ReadMetadata(string path, out BinaryReader reader)
    {
        (string Json, BinaryReader Reader)? opened;
        try
        {
            opened = FramedFile.Open(path, Magic);
        }
        catch (EndOfStreamException e)
        {
            throw Corrupt(path, e);
        }

        if (opened is not { } file)
            throw new InvalidDataException($"{path}: not a denoise model file (no DENOISE-MODEL header) - train one with ./denoise train");
        try
        {
            var metadata = JsonSerializer.Deserialize<ModelMetadata>(file.Json, Json)
                ?? throw new InvalidDataException($"{path}: the model metadata is empty");
            if (metadata.Architecture != ConvAutoencoder.ArchitectureName)
                throw new InvalidDataException($"{path}: model architecture '{metadata.Architecture}' is not '{ConvAutoencoder.ArchitectureName}'");
            reader = file.Reader;
            return metadata;
        }
        catch (JsonException e)
        {
            file.Reader.Dispose();
            throw Corrupt(path, e);
        }
        catch
        {
            file.Reader.Dispose();
            throw;
        }
    }

    private static InvalidDataException Corrupt(string path, Exception inner) =>
        new($"{path}: the model file is truncated or corrupt ({inner.Message.TrimEnd('.')}) - train it again with ./denoise train", inner);
}
