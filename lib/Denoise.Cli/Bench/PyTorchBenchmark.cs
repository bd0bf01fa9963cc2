using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Denoise.Training;

namespace Denoise.Cli.Bench;

/// <summary>Runs bench/pytorch_reference.py in a subprocess and reads the JSON line it prints.</summary>
public static class PyTorchBenchmark
{
    /// <summary>The interpreter with Debian's python3-torch.</summary>
    public const string Python = "/usr/bin/python3";

    /// <param name="script">Path of bench/pytorch_reference.py.</param>
    /// <param name="mode">"pytorch" (idiomatic loop) or "pytorch_tuned".</param>
    public static BenchmarkResult Run(string script, string mode, BenchmarkSettings settings)
    {
        if (!File.Exists(script))
            throw new FileNotFoundException($"{script}: PyTorch reference script not found - run from the repository root or pass --skip-pytorch");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var recipe = settings.Recipe;
        foreach (var arg in new[] { script, mode, "--arch", settings.Architecture, "--threads", $"{settings.Threads}",
                     "--batches", $"{settings.Batches}", "--warmup", $"{settings.Warmup}", "--chunk", $"{settings.ChunkSize}",
                     "--noise", recipe.Noise.ToString(), "--loss", recipe.Loss.Name, "--lr", Invariant(recipe.LearningRate),
                     "--eps", Invariant(recipe.Epsilon), "--precision", Precisions.Name(PrecisionOf(mode, settings)) })
            start.ArgumentList.Add(arg);
        if (settings.PeerNetworks is { } networks)
        {
            start.ArgumentList.Add("--networks");
            start.ArgumentList.Add(Path.GetFullPath(networks));
        }
        if (settings.MnistFolder is { } folder)
        {
            start.ArgumentList.Add("--data");
            start.ArgumentList.Add(folder);
        }
        else
        {
            start.ArgumentList.Add("--synthetic");
        }

        using var process = Process.Start(start)
            ?? throw new IOException($"{Python}: could not start - is python3-torch installed (./build.sh setup)?");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new IOException($"{Path.GetFileName(script)} {mode} exited with {process.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}");

        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidDataException($"{Path.GetFileName(script)} {mode} printed nothing");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        double Get(string key) => root.GetProperty(key).GetDouble();
        var load = root.GetProperty("data_load_s");
        return new BenchmarkResult(Get("train_images_per_s"), Get("infer_images_per_s"), Get("latency_ms_batch1"),
            Get("peak_rss_mb"), load.ValueKind == JsonValueKind.Null ? null : load.GetDouble(),
            Get("train_cpu_ms_per_batch"), Get("infer_cpu_ms_per_batch"),
            root.TryGetProperty("path", out var path) ? path.GetString() : null);
    }

    /// <summary>What a PyTorch side computes in: idiomatic PyTorch is fp32 whatever we run; the tuned side matches us (bf16: CPU autocast).</summary>
    public static Precision PrecisionOf(string mode, BenchmarkSettings settings) =>
        mode == "pytorch" ? Precision.Float32 : settings.Precision;

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
