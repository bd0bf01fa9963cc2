using System.CommandLine;
using Denoise.Models;
using Denoise.Training;

namespace Denoise.Cli;

/// <summary>
/// `denoise import --arch NAME --weights FILE --output M.dat`: weights trained in PyTorch (a torch.save'd state dict or a
/// safetensors file) into one of our model files, which evaluate, denoise, export and the notebooks then use. The file
/// records where the weights came from and no training run.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = $"The architecture the weights are for: {Architectures.Names}.", Required = true };
        var weights = new Option<string>("--weights") { Description = "torch.save(model.state_dict(), FILE) or a safetensors file, keyed by the architecture's parameter names.", Required = true };
        var output = new Option<string>("--output") { Description = "The model file to write.", Required = true };
        var command = new Command("import", "Make a model file from weights trained in PyTorch.") { arch, weights, output };
        command.SetAction(parsed =>
        {
            var weightsPath = parsed.GetValue(weights)!;
            var outputPath = OutputFile.Check("--output", parsed.GetValue(output), OutputFile.Model, (weightsPath, "weights file"));
            var (model, metadata) = PyTorchWeights.Import(parsed.GetValue(arch)!, weightsPath);
            using var _ = model;
            ModelFile.Save(outputPath, model, metadata);
            parsed.InvocationConfiguration.Output.WriteLine(
                $"imported {metadata.Architecture} ({model.ParameterCount:N0} parameters) from {weightsPath} -> {outputPath}; score it with ./denoise evaluate --model {outputPath}");
            return 0;
        });
        return command;
    }
}
