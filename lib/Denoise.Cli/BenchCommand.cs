using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Denoise.Cli.Bench;
using Denoise.Data;
using Denoise.IO;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Tensors;
using Denoise.Training;
using Spectre.Console;

namespace Denoise.Cli;

/// <summary>
/// `denoise bench`: our TorchSharp training/inference of an architecture against PyTorch (idiomatic and tuned) on this
/// machine, run back to back so that both see the same load, written to artifacts/bench/bench.json. The harness
/// (lib/Denoise.Cli/Bench) builds the model from the architecture registry, so what is measured is what trains.
/// </summary>
public static class BenchCommand
{
    private const string Script = "bench/pytorch_reference.py";

    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = $"The architecture to measure: {Architectures.Names}.", DefaultValueFactory = _ => ConvAutoencoder.ArchitectureName };
        // More threads than cores measure only how they contend (and 100,000 took minutes to start).
        var cores = Environment.ProcessorCount;
        var threads = TypedOptions.Whole("--threads", $"Intra-op threads for both sides, at most the {cores} cores of this machine.", 1, cores);
        threads.DefaultValueFactory = _ => Math.Min(2, cores);
        var batches = TypedOptions.Whole("--batches", "Timed training batches of 256.", 1, 10_000);
        batches.DefaultValueFactory = _ => 40;
        var repeat = TypedOptions.Whole("--repeat", "Rounds of (ours, pytorch, pytorch_tuned); the JSON holds medians.", 1, 100);
        repeat.DefaultValueFactory = _ => 1;
        var chunk = TypedOptions.OptionalWhole("--chunk", "Images per chunk of the fast training step, at most a batch. [default: the model's own, 32 for conv-autoencoder, 64 for unet]", 1, BenchmarkSettings.BatchSize);
        var json = new Option<string>("--json") { Description = "Where to write the results.", DefaultValueFactory = _ => "artifacts/bench/bench.json" };
        var skip = new Option<bool>("--skip-pytorch") { Description = "Measure only our side." };
        var plain = new Option<bool>("--plain") { Description = "Measure our plain step (the model's forward, the recipe's loss, backward, Adam) instead of the model's fast step." };
        var synthetic = new Option<bool>("--synthetic") { Description = "Uniform random images instead of MNIST." };
        var profile = new Option<bool>("--profile") { Description = "Print per-stage forward costs at chunks 16/32/64/256 and stop." };
        var precision = TypedOptions.Precision("What our side and the tuned PyTorch side compute in (bf16: PyTorch's CPU autocast; idiomatic PyTorch stays fp32). [default: the architecture's recipe, auto for unet]");
        var workers = TypedOptions.OptionalWhole("--workers", "Data-parallel workers of our fast training step, at most one per core. [default: one per thread]", 1, cores);
        var networks = new Option<string?>("--pytorch-networks") { Description = "A Python file with the PyTorch network of an architecture registered outside the library: a class named like it (my-net -> MyNet)." };

        var command = new Command("bench", "Compare training and inference speed with PyTorch on this machine.")
        {
            arch, threads, batches, repeat, chunk, json, skip, plain, synthetic, profile, precision, workers, networks,
        };
        command.SetAction(parse =>
        {
            var architecture = Architectures.Get(parse.GetValue(arch)!).Name;
            if (parse.GetValue(networks) is { } file && !File.Exists(file))
                throw new FileNotFoundException($"{networks.Name} {file}: no such file");
            var jsonPath = OutputFile.Check(json.Name, parse.GetValue(json), OutputFile.Json);
            var asked = parse.GetResult(precision) is { Implicit: false } ? parse.GetValue(precision) : Architectures.Get(architecture).Recipe.Precision;
            var settings = new BenchmarkSettings(
                Architecture: architecture,
                Threads: parse.GetValue(threads),
                Batches: parse.GetValue(batches),
                ChunkSize: parse.GetValue(chunk) ?? BenchmarkSettings.ChunkSizeOf(architecture),
                MnistFolder: parse.GetValue(synthetic) ? null : MnistFolder(),
                Plain: parse.GetValue(plain),
                Workers: parse.GetValue(workers),
                PeerNetworks: parse.GetValue(networks));
            var choice = TorchSharpBenchmark.ChoosePrecision(settings, asked);
            AnsiConsole.MarkupLine($"[grey]precision {Markup.Escape(choice.ToString())}[/]");
            settings = settings with { Precision = choice.Used };
            if (parse.GetValue(profile))
            {
                ShowProfile(architecture, parse.GetValue(threads), settings.Precision);
                return 0;
            }
            Run(settings, parse.GetValue(repeat), parse.GetValue(skip), jsonPath);
            return 0;
        });
        return command;
    }

    private static void Run(BenchmarkSettings settings, int rounds, bool skipPyTorch, string jsonPath)
    {
        var script = skipPyTorch ? null : FindScript();
        var runs = new Dictionary<string, List<BenchmarkResult>> { ["ours"] = [] };
        if (script is not null)
            (runs["pytorch"], runs["pytorch_tuned"]) = ([], []);

        for (var round = 1; round <= rounds; round++)
        {
            AnsiConsole.MarkupLine($"[grey]round {round}/{rounds}: ours{(script is null ? "" : ", pytorch, pytorch_tuned")}[/]");
            runs["ours"].Add(TorchSharpBenchmark.Measure(settings));
            if (script is null)
                continue;
            runs["pytorch"].Add(PyTorchBenchmark.Run(script, "pytorch", settings));
            runs["pytorch_tuned"].Add(PyTorchBenchmark.Run(script, "pytorch_tuned", settings));
        }

        var medians = runs.ToDictionary(r => r.Key, r => MedianOf(r.Value));
        ShowTable(medians, runs, settings);
        WriteJson(jsonPath, medians, runs, settings);
        AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(jsonPath)}[/]");
    }

    private static void ShowProfile(string architecture, int threads, Precision precision)
    {
        int[] chunks = [16, 32, 64, 256];
        var columns = chunks.Select(c => LayerProfile.Measure(architecture, c, threads, precision)).ToList();
        var table = new Table().Title($"{architecture}: forward µs per image by layer, {threads} threads, {Precisions.Name(precision)}");
        table.AddColumn("stage");
        foreach (var c in chunks)
            table.AddColumn(new TableColumn($"chunk {c}").RightAligned());
        for (var i = 0; i < columns[0].Count; i++)
            table.AddRow([Markup.Escape(columns[0][i].Stage), .. columns.Select(col => col[i].MicrosecondsPerImage.ToString("N2"))]);
        AnsiConsole.Write(table);
    }

    private static void ShowTable(Dictionary<string, BenchmarkResult> medians, Dictionary<string, List<BenchmarkResult>> runs, BenchmarkSettings settings)
    {
        var table = new Table().Title($"denoise bench: {settings.Architecture}, batch 256, {settings.Threads} threads, {Machine()}, {NativeBFloat16()}");
        table.AddColumn("");
        foreach (var side in medians.Keys)
            table.AddColumn(new TableColumn($"{side} ({PrecisionOf(side, settings)})").RightAligned());
        void Row(string label, Func<BenchmarkResult, double?> pick, string format) =>
            table.AddRow([label, .. medians.Keys.Select(side =>
            {
                var values = runs[side].Select(pick).OfType<double>().ToList();
                return values.Count == 0 ? "-" : values.Count == 1
                    ? values[0].ToString(format)
                    : $"{Statistics.Median(values).ToString(format)} (min {values.Min().ToString(format)})";
            })]);
        Row("train images/s", r => r.TrainImagesPerSecond, "N0");
        Row("infer images/s", r => r.InferImagesPerSecond, "N0");
        Row("latency batch 1 (ms)", r => r.LatencyMsBatch1, "N3");
        Row("peak RSS (MiB)", r => r.PeakRssMb, "N0");
        Row("data load (s)", r => r.DataLoadSeconds, "N3");
        Row("train CPU ms/batch", r => r.TrainCpuMsPerBatch, "N1");
        Row("infer CPU ms/batch", r => r.InferCpuMsPerBatch, "N1");
        if (medians.TryGetValue("pytorch", out var pt))
        {
            var tuned = medians["pytorch_tuned"];
            table.AddRow("ours / pytorch", $"train {medians["ours"].TrainImagesPerSecond / pt.TrainImagesPerSecond:N2}×, infer {medians["ours"].InferImagesPerSecond / pt.InferImagesPerSecond:N2}×", "", "");
            table.AddRow("ours / pytorch_tuned", $"train {medians["ours"].TrainImagesPerSecond / tuned.TrainImagesPerSecond:N2}×, infer {medians["ours"].InferImagesPerSecond / tuned.InferImagesPerSecond:N2}×", "", "");
        }
        AnsiConsole.Write(table);
    }

    private static void WriteJson(string path, Dictionary<string, BenchmarkResult> medians, Dictionary<string, List<BenchmarkResult>> runs, BenchmarkSettings settings)
    {
        // JSON has no NaN or infinity (a side that timed nothing divides by zero): such a value is null.
        static double? Finite(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : null;
        static JsonObject Side(BenchmarkResult r) => new()
        {
            ["train_images_per_s"] = Finite(r.TrainImagesPerSecond, 1),
            ["infer_images_per_s"] = Finite(r.InferImagesPerSecond, 1),
            ["latency_ms_batch1"] = Finite(r.LatencyMsBatch1, 3),
            ["peak_rss_mb"] = Finite(r.PeakRssMb, 1),
            ["data_load_s"] = r.DataLoadSeconds is { } s ? Finite(s, 3) : null,
            ["train_cpu_ms_per_batch"] = Finite(r.TrainCpuMsPerBatch, 2),
            ["infer_cpu_ms_per_batch"] = Finite(r.InferCpuMsPerBatch, 2),
            ["path"] = r.Path,
        };
        static JsonObject Ratio(BenchmarkResult ours, BenchmarkResult other) => new()
        {
            ["train"] = Finite(ours.TrainImagesPerSecond / other.TrainImagesPerSecond, 3),
            ["infer"] = Finite(ours.InferImagesPerSecond / other.InferImagesPerSecond, 3),
        };

        var root = new JsonObject();
        foreach (var (side, result) in medians)
            root[side] = Side(result);
        if (medians.TryGetValue("pytorch", out var pytorch))
        {
            root["ratio"] = Ratio(medians["ours"], pytorch);
            root["ratio_tuned"] = Ratio(medians["ours"], medians["pytorch_tuned"]);
        }
        root["arch"] = settings.Architecture;
        root["noise"] = settings.Recipe.Noise.ToString();
        root["threads"] = settings.Threads;
        root["batches"] = settings.Batches;
        root["chunk"] = settings.ChunkSize;
        root["ours_mode"] = medians["ours"].Path;
        root["workers"] = settings.Workers ?? settings.Threads;
        root["precision"] = new JsonObject(medians.Keys.Select(side => KeyValuePair.Create(side, (JsonNode?)PrecisionOf(side, settings))));
        root["native_bf16"] = CpuFeatures.HasNativeBFloat16;
        root["native_bf16_source"] = CpuFeatures.BFloat16Source;
        root["data"] = settings.MnistFolder is null ? "synthetic" : "mnist";
        root["machine"] = Machine();
        root["runs"] = new JsonObject(runs.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)new JsonArray([.. r.Value.Select(v => (JsonNode)Side(v))]))));

        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"));
    }

    private static BenchmarkResult MedianOf(List<BenchmarkResult> results)
    {
        var loads = results.Select(r => r.DataLoadSeconds).OfType<double>().ToList();
        return new BenchmarkResult(
            Statistics.Median(results.Select(r => r.TrainImagesPerSecond)), Statistics.Median(results.Select(r => r.InferImagesPerSecond)),
            Statistics.Median(results.Select(r => r.LatencyMsBatch1)), Statistics.Median(results.Select(r => r.PeakRssMb)),
            loads.Count == 0 ? null : Statistics.Median(loads),
            Statistics.Median(results.Select(r => r.TrainCpuMsPerBatch)), Statistics.Median(results.Select(r => r.InferCpuMsPerBatch)),
            results[0].Path);
    }

    /// <summary>The MNIST folder of the data folder, or null when its training images are absent.</summary>
    private static string? MnistFolder()
    {
        var folder = Path.Combine(DataFolder.Resolve(), DataCatalog.FolderName(DataSetKind.Mnist));
        return File.Exists(Path.Combine(folder, "train-images-idx3-ubyte")) ? folder : null;
    }

    private static string FindScript()
    {
        // The script sits in the repository, found the same way as the data folder.
        var candidate = new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
            .Select(DataFolder.FindRepoRoot)
            .Where(root => root is not null)
            .Select(root => Path.Combine(root!, Script))
            .FirstOrDefault(File.Exists);
        return candidate ?? throw new FileNotFoundException($"{Script}: not found above {Directory.GetCurrentDirectory()} - run from the repository root or pass --skip-pytorch");
    }

    /// <summary>"fp32", "bf16" or, for the tuned PyTorch side in bf16, "bf16 autocast".</summary>
    private static string PrecisionOf(string side, BenchmarkSettings settings) => side switch
    {
        "ours" => Precisions.Name(settings.Precision),
        _ => PyTorchBenchmark.PrecisionOf(side, settings) == Precision.BFloat16 ? "bf16 autocast" : "fp32",
    };

    private static string NativeBFloat16() =>
        CpuFeatures.HasNativeBFloat16 ? $"native bf16 ({CpuFeatures.BFloat16Source})" : CpuFeatures.BFloat16Source;

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? "unknown CPU"}, {Environment.ProcessorCount} cores";
    }
}
