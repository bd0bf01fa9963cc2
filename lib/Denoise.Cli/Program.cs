using System.CommandLine;
using Denoise.Cli;

var root = new RootCommand("Denoise handwritten digits with a convolutional autoencoder (MNIST, TorchSharp).")
{
    DataCommand.Create(),
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    DenoiseCommand.Create(),
    MetricsCommand.Create(),
};
root.HelpName = "denoise";
return CommandRunner.Run(root, args);
