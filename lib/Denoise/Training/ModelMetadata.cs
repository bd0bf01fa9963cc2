using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Denoise.Models;

namespace Denoise.Training;

/// <summary>
/// What a model file (or a checkpoint) says about the weights in it: the architecture, how they were trained (the run's
/// whole <see cref="TrainingOptions"/> and its history) and with which TorchSharp and .NET, so a result can be traced
/// back to its run.
/// </summary>
public sealed record ModelMetadata
{
    public required string Architecture { get; init; }
    public long ParameterCount { get; init; }

    /// <summary>The options of the run that made the weights; null for weights made elsewhere (e.g. imported).</summary>
    public TrainingOptions? Training { get; init; }

    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>Where weights made elsewhere came from (e.g. the PyTorch file they were imported from); null for weights trained here.</summary>
    public string? Source { get; init; }
    public string TorchSharpVersion { get; init; } = CurrentTorchSharpVersion;
    public string DotNetVersion { get; init; } = RuntimeInformation.FrameworkDescription;
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The epochs trained.</summary>
    [JsonIgnore]
    public int Epochs => History.Count;

    /// <summary>The TorchSharp package version this process runs (e.g. "0.107.0").</summary>
    public static string CurrentTorchSharpVersion
    {
        get
        {
            var assembly = typeof(TorchSharp.torch).Assembly;
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString() ?? "unknown";
            return version.Split('+')[0];
        }
    }

    /// <summary>The metadata of <paramref name="model"/> trained with <paramref name="options"/> for the epochs in <paramref name="history"/>.</summary>
    public static ModelMetadata For(Denoiser model, TrainingOptions? options, IReadOnlyList<EpochRecord> history) => new()
    {
        Architecture = model.Architecture,
        ParameterCount = model.ParameterCount,
        Training = options,
        History = [.. history],
    };
}
