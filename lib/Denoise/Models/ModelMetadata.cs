using System.Reflection;
using System.Runtime.InteropServices;
using Denoise.Training;

namespace Denoise.Models;

/// <summary>
/// What a model file says about the model in it: architecture, how it was trained (noise, seed, epochs, batch size,
/// history) and with which TorchSharp and .NET, so a result can be traced back to its run.
/// </summary>
public sealed record ModelMetadata
{
    public string Architecture { get; init; } = ConvAutoencoder.ArchitectureName;
    public long ParameterCount { get; init; }
    public string Noise { get; init; } = "";
    public long Seed { get; init; }
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public double LearningRate { get; init; }
    public IReadOnlyList<EpochRecord> History { get; init; } = [];
    public string TorchSharpVersion { get; init; } = CurrentTorchSharpVersion;
    public string DotNetVersion { get; init; } = RuntimeInformation.FrameworkDescription;
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;

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

    /// <summary>The metadata of a model trained with <paramref name="options"/> for the epochs in <paramref name="history"/>.</summary>
    public static ModelMetadata For(ConvAutoencoder model, TrainingOptions options, IReadOnlyList<EpochRecord> history) => new()
    {
        ParameterCount = model.ParameterCount,
        Noise = options.Noise,
        Seed = options.Seed,
        Epochs = history.Count,
        BatchSize = options.BatchSize,
        LearningRate = options.LearningRate,
        History = [.. history],
    };
}
