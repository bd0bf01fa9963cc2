using System.CommandLine;
using System.Text.Json;
using Denoise.Data;
using Denoise.Evaluation;
using Denoise.Imaging;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace Denoise.Cli;

/// <summary>
/// `denoise evaluate --model M`: PSNR and SSIM of a data set's noisy test images, two classical filters and the model.
/// Data set, noise and seed default to those the model was trained with; --layout scores the test digits centred as
/// MNIST has them, shifted, or in house-number strips (<see cref="DigitLayouts"/>).
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by ./denoise train.", Required = true };
        var dataSet = TypedOptions.DataSet("The test images: mnist, fashion-mnist, or photos (the held-out test photos in grey; default: the data set the model was trained on).");
        var noise = TypedOptions.Noise("Noise added to the test images (default: the noise the model was trained with).");
        var seed = TypedOptions.OptionalWhole("--seed", "Seed of the noise (default: the model's seed, so the test noise matches its validation).", long.MinValue, long.MaxValue);
        var layout = TypedOptions.Layout($"Where the test digits sit: centred (as MNIST has them), shifted (each moved by up to {DigitLayouts.MaxShift} pixels each way) or strips (house numbers of 3 to 5 digits on {DigitLayouts.StripHeight} x {DigitLayouts.StripWidth} canvases). The same images on every run.");
        layout.DefaultValueFactory = _ => DigitLayout.Centred;
        var ensemble = TypedOptions.Ensemble();
        var limit = TypedOptions.OptionalWhole("--limit", "Score only the first N test images (quick runs; with --layout strips, N strips; photos: the first N test photos).", 1, DataCatalog.ImageCount(Split.Test));
        var crop = TypedOptions.OptionalWhole("--crop", "Photos: score only the centre SIDE x SIDE pixels of each test photo (quick runs).", 1, 8192);
        crop.HelpName = "SIDE";
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var grid = new Option<string?>("--grid") { Description = "Also save a PNG of ten random test digits (four strips): clean, noisy, denoised." };
        var precision = TypedOptions.Precision("The arithmetic of denoising (default fp32, so that scores compare across machines).");
        var command = new Command("evaluate", "Score a trained model on a test set against the noisy input and classical filters.")
        {
            model, dataSet, noise, seed, layout, ensemble, limit, crop, json, grid, precision,
        };
        command.SetAction(parsed =>
        {
            var modelPath = parsed.GetValue(model)!;
            var gridPath = parsed.GetResult(grid) is null ? null : OutputFile.Check(grid.Name, parsed.GetValue(grid), OutputFile.Png, (modelPath, "model file"));
            using var loaded = LoadedModel.Load(modelPath, parsed.GetValue(precision));
            var metadata = loaded.Metadata;
            // Weights made elsewhere (no training record) are scored with the seed recipe's test noise.
            var trained = metadata.Training ?? new TrainingOptions();
            var scored = trained with
            {
                DataSet = parsed.GetResult(dataSet) is { Implicit: false } ? parsed.GetValue(dataSet) : trained.DataSet,
                Noise = parsed.GetResult(noise) is { Implicit: false } ? parsed.GetValue(noise)! : trained.Noise,
                Seed = parsed.GetValue(seed) ?? trained.Seed,
            };

            if (scored.DataSet == DataSetKind.Photos)
            {
                // The digit layouts, the self-ensemble and the grid of digits are not for photos: say so, rather than ignore them.
                foreach (var digitsOnly in new Option[] { layout, ensemble, grid })
                    if (parsed.GetResult(digitsOnly) is { Implicit: false })
                        throw new ArgumentException($"{digitsOnly.Name} is for the digit test sets; the photos are scored whole (or their centres, with --crop)");
                return EvaluatePhotos(parsed.InvocationConfiguration.Output, modelPath, loaded, scored, parsed.GetValue(limit), parsed.GetValue(crop), parsed.GetValue(json));
            }
            if (parsed.GetValue(crop) is not null)
                throw new ArgumentException($"--crop is for photos; the {TypedOptions.Name(scored.DataSet)} test images are scored whole");

            using var scope = NewDisposeScope();
            var arranged = parsed.GetValue(layout);
            using var test = TrainingData.LoadTest(scored, parsed.GetValue(limit), layout: arranged);
            var (clean, noisy) = (test.Clean.Images, test.Noisy);
            var averaged = parsed.GetValue(ensemble);
            var denoised = loaded.Denoise(noisy, averaged);
            var comparison = DenoisingComparison.Run(clean, noisy, denoised, metadata.Architecture);

            if (gridPath is not null)
            {
                var picks = DataStats.SampleIndices(test.Count, Math.Min(arranged == DigitLayout.Strips ? 4 : 10, test.Count), scored.Seed);
                ImageGrid.Create()
                    .AddRow("clean", DataStats.Take(clean, picks))
                    .AddRow("noisy", DataStats.Take(noisy, picks))
                    .AddRow("denoised", DataStats.Take(denoised, picks))
                    .Save(gridPath);
            }

            var output = parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(json))
                output.WriteLine(ToJson(modelPath, metadata.Architecture, scored.DataSet, arranged, averaged, scored.Noise, test.Count, loaded.Precision.Used, comparison));
            else
                WriteTable(output, $"{modelPath} ({metadata.Architecture}{(averaged == SelfEnsemble.None ? "" : $", self-ensemble {SelfEnsembles.Name(averaged)}")}): {test.Count} {TypedOptions.Name(scored.DataSet)} test images, {DigitLayouts.Name(arranged)}, {scored.Noise}{(loaded.Precision.Used == Precision.Float32 && parsed.GetValue(precision) == Precision.Float32 ? "" : $", denoised in {loaded.Precision}")}", comparison.Scores);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The held-out test photos in grey, each at its own size (or its centre crop), with the noise and seed of
    /// <paramref name="scored"/>: noisy, median, Gaussian blur, non-local means and the model, mean PSNR and SSIM.
    /// </summary>
    private static int EvaluatePhotos(TextWriter output, string modelPath, LoadedModel loaded, TrainingOptions scored, int? limit, int? crop, bool json)
    {
        using var test = Photos.LoadPart(Split.Test, color: false);
        var photos = test.Photos.Take(limit ?? int.MaxValue).ToList();
        var scoredPhotos = crop is { } side ? PhotoComparison.Crop(photos, side) : photos;
        var architecture = loaded.Metadata.Architecture;
        PhotoComparison comparison;
        try
        {
            comparison = PhotoComparison.Run(scoredPhotos, scored.Noise, scored.Seed, [(architecture, loaded.Computing)]);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{modelPath}: {e.Message}", e);
        }

        var what = $"{photos.Count} test photo{(photos.Count == 1 ? "" : "s")} ({string.Join(", ", comparison.Photos)}){(crop is { } c ? $", centre {c} x {c}" : "")}, {scored.Noise}"
            + (loaded.Precision.Used == Precision.Float32 ? "" : $", denoised in {loaded.Precision}");
        if (json)
            output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = modelPath,
                ["arch"] = architecture,
                ["dataset"] = TypedOptions.Name(scored.DataSet),
                ["noise"] = scored.Noise.ToString(),
                ["images"] = photos.Count,
                ["photos"] = comparison.Photos,
                ["precision"] = Precisions.Name(loaded.Precision.Used),
                ["noisy"] = Scores(comparison.Methods[0].Report),
                ["median3x3"] = Scores(comparison.Methods[1].Report),
                ["gaussian_blur"] = Scores(comparison.Methods[2].Report),
                ["non_local_means"] = Scores(comparison.Methods[3].Report),
                ["denoised"] = Scores(comparison.Methods[4].Report),
            }));
        else
            WriteTable(output, $"{modelPath} ({architecture}): {what}", comparison.Scores);
        return 0;
    }

    internal static string ToJson(string modelPath, string architecture, DataSetKind dataSet, DigitLayout layout, SelfEnsemble ensemble,
        NoiseSpec noise, int images, Precision precision, DenoisingComparison comparison) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = modelPath,
            ["arch"] = architecture,
            ["dataset"] = TypedOptions.Name(dataSet),
            ["layout"] = DigitLayouts.Name(layout),
            ["ensemble"] = SelfEnsembles.Name(ensemble),
            ["noise"] = noise.ToString(),
            ["images"] = images,
            ["precision"] = Precisions.Name(precision),
            ["noisy"] = Scores(comparison.Noisy),
            ["median3x3"] = Scores(comparison.Median),
            ["gaussian_blur"] = Scores(comparison.Blur),
            ["denoised"] = Scores(comparison.Denoised),
        });

    /// <summary>Rounded scores; a score that is not a finite number is null, which JSON can carry.</summary>
    private static Dictionary<string, double?> Scores(QualityReport report) => new()
    {
        ["psnr"] = Finite(report.MeanCappedPsnr, 4),
        ["ssim"] = Finite(report.MeanSsim, 5),
        ["mse"] = Finite(report.MeanMse, 6),
    };

    private static double? Finite(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : null;

    private static void WriteTable(TextWriter output, string heading, IReadOnlyList<MethodScore> scores)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        // The heading is a plain line: as a table title it would wrap to the table's width.
        output.WriteLine(heading);
        var table = new Table();
        table.AddColumn("method").AddColumn(new TableColumn("PSNR (dB)").RightAligned()).AddColumn(new TableColumn("SSIM").RightAligned());
        foreach (var score in scores)
            table.AddRow(score.Method, score.PsnrDb.ToString("F2"), score.Ssim.ToString("F4"));
        console.Write(table);
    }
}
