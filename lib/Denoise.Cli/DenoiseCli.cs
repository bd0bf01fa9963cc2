using System.CommandLine;

namespace Denoise.Cli;

/// <summary>The `denoise` command line: every verb under one root.</summary>
public static class DenoiseCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Train, evaluate and run image denoisers (the seed conv autoencoder, a U-Net, or any registered architecture) on MNIST and Fashion-MNIST with TorchSharp.")
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
