using Denoise.Cli;

namespace Denoise.Tests.Cli;

/// <summary>Runs the real `denoise` command line in-process and captures what it prints.</summary>
internal static class CliRun
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CommandRunner.Run(DenoiseCli.Create(), args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
