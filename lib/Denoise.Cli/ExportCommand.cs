using System.CommandLine;
using Denoise.Models;
using Denoise.Training;

namespace Denoise.Cli;

/// <summary>
/// `denoise export --model M --format safetensors|pytorch [--output FILE]`: a model file's weights as a state dict that
/// PyTorch loads (torch.load, or safetensors) into the same network, keyed by the model's own parameter names.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file written by ./denoise train or ./denoise import.", Required = true };
        var format = TypedOptions.WeightFormat("safetensors (read by any safetensors reader) or pytorch (a state dict for torch.load, PyTorch 1.6 or later).");
        var output = new Option<string?>("--output") { Description = "The file to write (default: the model file's name with .safetensors or .pt)." };
        var command = new Command("export", "Write a model's weights as a PyTorch or safetensors state dict.") { model, format, output };
        command.SetAction(parsed =>
        {
            var modelPath = parsed.GetValue(model)!;
            var chosen = parsed.GetValue(format);
            var outputPath = OutputFile.Check("--output", parsed.GetValue(output) ?? Path.ChangeExtension(modelPath, PyTorchWeights.Extension(chosen)),
                OutputFile.Weights, (modelPath, "model file"));
            var (network, metadata) = ModelFile.Load(modelPath);
            using var _ = network;
            PyTorchWeights.Export(network, outputPath, chosen);
            parsed.InvocationConfiguration.Output.WriteLine($"exported {metadata.Architecture} ({network.ParameterCount:N0} parameters) as {PyTorchWeights.Name(chosen)} -> {outputPath}");
            return 0;
        });
        return command;
    }
}
