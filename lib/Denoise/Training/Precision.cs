using System.Text.Json.Serialization;

namespace Denoise.Training;

/// <summary>
/// The arithmetic a model trains and denoises in, with its text form as written in options, model files and on the
/// command line. Master weights, the optimiser, losses and metrics are fp32 in every case.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Precision>))]
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    [JsonStringEnumMemberName("fp32")]
    Float32,

    /// <summary>Mixed precision: convolutions and their backward in bfloat16 on a bf16 copy of the model (<see cref="Models.BFloat16Copy"/>).</summary>
    [JsonStringEnumMemberName("bf16")]
    BFloat16,

    /// <summary>bf16 where the CPU has native bf16 and a short start-up timing shows it is faster, else fp32 (<see cref="PrecisionProbe"/>).</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,
}
