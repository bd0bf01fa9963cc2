using System.CommandLine;
using Denoise.Imaging;
using Denoise.Models;
using static TorchSharp.torch;

namespace Denoise.Cli;

/// <summary>`denoise denoise --model M --input IN --output OUT`: clean up a PNG, or every PNG in a folder.</summary>
public static class DenoiseCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by ./denoise train.", Required = true };
        var input = new Option<string>("--input") { Description = "A PNG file, or a folder of PNG files (colour is converted to gray; any size).", Required = true };
        var output = new Option<string>("--output") { Description = "The output PNG file, or a folder for a folder input (same file names).", Required = true };
        var command = new Command("denoise", "Denoise images with a trained model.") { model, input, output };
        command.SetAction(parsed =>
        {
            using var loaded = LoadedModel.Load(parsed.GetValue(model)!);
            var pairs = Pairs(parsed.GetValue(input)!, parsed.GetValue(output)!);
            // Read every input before writing anything: a bad file in a folder leaves no partial output behind.
            using var scope = NewDisposeScope();
            var images = pairs.Select(p => GrayImage.Load(p.Input)).ToList();
            foreach (var ((_, outputPath), image) in pairs.Zip(images))
            {
                using var cleaned = loaded.Denoise(image.unsqueeze(0));
                GrayImage.Save(cleaned[0], outputPath);
            }

            parsed.InvocationConfiguration.Output.WriteLine($"denoised {pairs.Count} image{(pairs.Count == 1 ? "" : "s")} -> {parsed.GetValue(output)}");
            return 0;
        });
        return command;
    }

    /// <summary>Input and output paths: one pair for a file, one per *.png for a folder.</summary>
    internal static IReadOnlyList<(string Input, string Output)> Pairs(string input, string output)
    {
        if (File.Exists(input))
        {
            if (Directory.Exists(output))
                throw new ArgumentException($"{output} is a folder; give an output file name for the single input {input}");
            return [(input, output)];
        }

        if (!Directory.Exists(input))
            throw new FileNotFoundException($"{input}: no such file or folder");
        if (File.Exists(output))
            throw new ArgumentException($"{output} is a file; a folder input ({input}) needs an output folder");
        var files = Directory.GetFiles(input, "*.png").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new FileNotFoundException($"{input}: the folder holds no .png files");
        return files.Select(f => (f, Path.Combine(output, Path.GetFileName(f)))).ToList();
    }
}
