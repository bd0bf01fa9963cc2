using System.CommandLine;
using Denoise.Cli;

var root = new RootCommand("Denoise handwritten digits with a convolutional autoencoder (MNIST, TorchSharp).")
{
    DataCommand.Create(),
    BenchCommand.Create(),
};
root.HelpName = "denoise";
return CommandRunner.Run(root, args);
