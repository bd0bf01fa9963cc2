using System.CommandLine;

namespace Denoise.Cli;

/// <summary>`denoise data fetch|info`: get and inspect the data sets.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Fetch, verify and inspect the MNIST and Fashion-MNIST files.");
        return command;
    }
}
