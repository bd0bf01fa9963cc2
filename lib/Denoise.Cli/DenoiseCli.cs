using System.CommandLine;

namespace Denoise.Cli;

/// <summary>The `denoise` command line: every verb under one root.</summary>
public static class DenoiseCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Denoise handwritten digits with a convolutional autoencoder (MNIST, TorchSharp).")
        {
            DataCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            DenoiseCommand.Create(),
            ExportCommand.Create(),
            ImportCommand.Create(),
            MetricsCommand.Create(),
            BenchCommand.Create(),
        };
        TypedOptions.RefuseEmptyText(root);
        return root;
    }
}
