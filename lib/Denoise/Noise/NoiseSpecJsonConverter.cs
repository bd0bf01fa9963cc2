using System.Text.Json;
using System.Text.Json.Serialization;

namespace Denoise.Noise;

/// <summary>Writes a noise spec as its text form ("gaussian:0.5") and reads it back through <see cref="NoiseSpec.Parse"/>.</summary>
public sealed class NoiseSpecJsonConverter : JsonConverter<NoiseSpec>
{
    public override NoiseSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("a noise spec must be a string such as \"gaussian:0.5\"");
        try
        {
            return NoiseSpec.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, NoiseSpec value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
