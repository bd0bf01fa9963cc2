using Denoise.Cli;

var root = DenoiseCli.Create();
root.HelpName = "denoise";
return CommandRunner.Run(root, args);
