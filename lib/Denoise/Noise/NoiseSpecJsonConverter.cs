using System.Text.Json;
using System.Text.Json.Serialization;

namespace Denoise.Noise;

/// <summary>
/// Writes a <see cref="NoiseSpec"/> (or any of its kinds) as its text form, "gaussian:0.5" or "gaussian:0.1-0.9", and reads it
/// back through <see cref="NoiseSpec.Parse"/>, so model files and checkpoints hold the spec a person would type.
/// </summary>
public sealed class NoiseSpecJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeof(NoiseSpec).IsAssignableFrom(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : NoiseSpec
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"a noise spec is a string such as \"gaussian:0.5\", found {reader.TokenType}");
            var text = reader.GetString()!;
            NoiseSpec spec;
            try
            {
                spec = NoiseSpec.Parse(text);
            }
            catch (FormatException e)
            {
                throw new JsonException(e.Message, e);
            }
            return spec as T ?? throw new JsonException($"noise '{text}': a {spec.Kind} spec where a {typeof(T).Name} was expected");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
