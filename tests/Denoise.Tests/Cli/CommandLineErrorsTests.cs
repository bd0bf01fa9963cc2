using static Denoise.Tests.Cli.CliRun;

namespace Denoise.Tests.Cli;

/// <summary>Bad command lines and bad values: one line on stderr naming the problem, a non-zero exit, nothing written.</summary>
[Collection("torch")]
public sealed class CommandLineErrorsTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_unknown_verb_is_a_usage_error_naming_it()
    {
        var (exit, output, error) = Run("trian");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("denoise: Unrecognized command or argument 'trian'. (see 'denoise --help')", error.Trim());
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error_naming_it()
    {
        var (exit, _, error) = Run("train", "--epoch", "3");

        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("'--epoch'", error);
    }

    [Fact]
    public void A_bad_noise_spec_fails_before_anything_is_written()
    {
        var output = folder.File("model.dat");

        var (exit, _, error) = Run("train", "--noise", "gausian:0.5", "--output", output);

        // A bad value is a bad command line: exit 2, like an unknown option.
        Assert.Equal(2, exit);
        Assert.Equal($"denoise: noise 'gausian:0.5': unknown kind 'gausian'; use {Denoise.Noise.NoiseSpec.ValidForms} (see 'denoise --help')", error.Trim());
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_missing_model_file_is_named()
    {
        var missing = folder.File("none.dat");

        var (exit, _, error) = Run("denoise", "--model", missing, "--input", missing, "--output", folder.File("out.png"));

        Assert.Equal(1, exit);
        Assert.Equal($"denoise: {missing}: no such file", error.Trim());
    }
}
