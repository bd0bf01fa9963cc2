using System.CommandLine;
using Denoise.Data;
using Denoise.Imaging;
using Denoise.IO;
using Denoise.Models;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Cli;

/// <summary>
/// `denoise denoise --model M --input IN --output OUT`: clean up an image, or every image in a folder, and write 8-bit
/// grayscale PNGs. Every input is vetted from its header before anything is written; then the images are denoised one
/// at a time (large ones in tiles), so memory stays bounded whatever the folder holds. Inputs are never overwritten.
/// A photo model (trained on the photos) keeps colour: a colour image is denoised channel by channel and written as an
/// RGB PNG, a grey one stays grey. The digit models see every image in grey, as they were trained.
/// </summary>
public static class DenoiseCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by ./denoise train.", Required = true };
        var input = new Option<string>("--input")
        {
            Description = $"An image file ({GrayImage.FormatList}; colour is converted to gray except by a photo model, which keeps it; transparency composited on black; any size up to {GrayImage.MaxPixels:N0} pixels), or a folder of them.",
            Required = true,
        };
        var output = new Option<string>("--output")
        {
            Description = "The output .png file, or for a folder input a folder (each image under its own name, as .png).",
            Required = true,
        };
        var precision = TypedOptions.Precision("The arithmetic of denoising (default fp32).");
        var ensemble = TypedOptions.Ensemble();
        var command = new Command("denoise", "Denoise images with a trained model.") { model, input, output, precision, ensemble };
        command.SetAction(parsed =>
        {
            NativeHeap.ReturnLargeBlocks();
            var modelPath = parsed.GetValue(model)!;
            using var loaded = LoadedModel.Load(modelPath, parsed.GetValue(precision));
            var plan = Plan(parsed.GetValue(input)!, parsed.GetValue(output)!, modelPath);
            foreach (var (inputPath, _) in plan.Pairs)
                GrayImage.Inspect(inputPath);   // a bad image anywhere fails here, before anything is written

            var keepsColour = loaded.Metadata.Training?.DataSet == DataSetKind.Photos;
            var written = 0;
            foreach (var (inputPath, outputPath) in plan.Pairs)
            {
                using var scope = NewDisposeScope();
                try
                {
                    if (keepsColour && ColorImage.Load(inputPath) is var colour && !IsGrey(colour))
                        ColorImage.Save(loaded.DenoisePlanes(colour, parsed.GetValue(ensemble)), outputPath);
                    else
                        GrayImage.Save(loaded.Denoise(GrayImage.Load(inputPath).unsqueeze(0), parsed.GetValue(ensemble))[0], outputPath);
                }
                catch (Exception e) when (written > 0 && e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    // The files written so far are complete (each is renamed into place whole); say how far it got.
                    throw new IOException($"denoised {written} of {plan.Pairs.Count} images before {inputPath} failed: {CommandRunner.OneLine(e)}", e);
                }
                written++;
            }

            var skipped = plan.Skipped.Count == 0
                ? ""
                : $"; skipped {plan.Skipped.Count} that {(plan.Skipped.Count == 1 ? "is" : "are")} not a regular file ({string.Join(", ", plan.Skipped.Select(Path.GetFileName))})";
            parsed.InvocationConfiguration.Output.WriteLine($"denoised {written} image{(written == 1 ? "" : "s")} -> {parsed.GetValue(output)}{skipped}");
            return plan.Skipped.Count == 0 ? 0 : CommandRunner.Failure;
        });
        return command;
    }

    /// <summary>What to read and write: (input, output) pairs, and a folder's entries that look like images but are not regular files.</summary>
    internal sealed record WorkPlan(IReadOnlyList<(string Input, string Output)> Pairs, IReadOnlyList<string> Skipped);

    /// <summary>
    /// One pair for a file; for a folder, one per image file in it (by extension, in any case), written under the same name
    /// with the extension .png. Refuses every plan that would write over an input, the model or a file that is not a PNG.
    /// </summary>
    internal static WorkPlan Plan(string input, string output, string model)
    {
        if (!Directory.Exists(input))
        {
            // A FIFO or device given as the input fails here with its own one line.
            if (!RegularFile.Exists(input))
                throw new FileNotFoundException($"{input}: no such file or folder");
            if (Directory.Exists(output))
                throw new ArgumentException($"--output {output} is a folder; give an output file name for the single input {input}");
            if (!string.Equals(Path.GetExtension(output), ".png", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--output {output}: denoised images are written as PNG; give a name ending in .png");
            return new WorkPlan([(input, OutputFile.Check("--output", output, OutputFile.Png, (input, "input image"), (model, "model file")))], []);
        }

        if (File.Exists(output))
            throw new ArgumentException($"--output {output} is a file; a folder input ({input}) needs an output folder");
        if (OutputFile.SamePlace(output, input))
            throw new ArgumentException($"--output {output} is the input folder; the denoised images would replace the originals - give another folder");

        var candidates = Directory.EnumerateFileSystemEntries(input).Where(GrayImage.IsImageFile).Order(StringComparer.Ordinal).ToList();
        var files = candidates.Where(RegularFile.IsRegular).ToList();
        if (files.Count == 0)
            throw new FileNotFoundException($"{input}: the folder holds no image files ({string.Join(", ", GrayImage.Extensions)}, in any case)");
        var pairs = files.Select(f => (f, OutputFile.Check("--output", Path.Combine(output, Path.ChangeExtension(Path.GetFileName(f), ".png")),
            OutputFile.Png, (f, "input image"), (model, "model file")))).ToList();
        if (pairs.GroupBy(p => p.Item2).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new ArgumentException($"{string.Join(" and ", clash.Select(p => Path.GetFileName(p.f)))} would both be written as {clash.Key}; rename one");
        return new WorkPlan(pairs, [.. candidates.Except(files)]);
    }

    /// <summary>True when the three planes of a loaded image are equal: a grey file (ColorImage loads it so).</summary>
    private static bool IsGrey(Tensor colour) =>
        colour[0].eq(colour[1]).all().item<bool>() && colour[1].eq(colour[2]).all().item<bool>();
}
