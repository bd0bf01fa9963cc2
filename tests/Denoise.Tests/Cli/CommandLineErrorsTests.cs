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

    [Theory]
    [InlineData("--threads", "0")]
    [InlineData("--batches", "-1")]
    [InlineData("--repeat", "0")]
    [InlineData("--chunk", "0")]
    public void Bench_names_the_option_that_cannot_work(string option, string value)
    {
        var (exit, _, error) = Run("bench", option, value, "--skip-pytorch", "--json", folder.File("bench.json"));

        Assert.Equal(2, exit);
        Assert.StartsWith($"denoise: {option} must be a whole number from 1 to ", error);
        Assert.EndsWith($", got {value} (see 'denoise --help')", error.Trim());
        Assert.False(File.Exists(folder.File("bench.json")));
    }

    [Fact]
    public void A_model_whose_metadata_holds_a_bad_noise_spec_is_named()
    {
        var path = folder.File("bad-noise.dat");
        var json = System.Text.Encoding.UTF8.GetBytes("""{"Architecture":"conv-autoencoder","Training":{"Noise":"gaussian:-3"}}""");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write(System.Text.Encoding.ASCII.GetBytes(Denoise.Training.ModelFile.Magic));
            writer.Write(json.Length);
            writer.Write(json);
        }

        var (exit, _, error) = Run("evaluate", "--model", path);

        Assert.Equal(1, exit);
        Assert.StartsWith($"denoise: {path}: the model file's metadata is damaged at $.Training.Noise (noise 'gaussian:-3': ", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Evaluate_json_carries_a_score_that_is_not_a_number_as_null()
    {
        var finite = new Denoise.Metrics.QualityReport([0.01], [20.0], [0.9]);
        var broken = new Denoise.Metrics.QualityReport([double.NaN], [double.NaN], [double.NaN]);
        var comparison = new Denoise.Metrics.DenoisingComparison(finite, finite, finite, broken, "conv-autoencoder");

        var json = Denoise.Cli.EvaluateCommand.ToJson("m.dat", "conv-autoencoder", Denoise.Data.DataSetKind.Mnist, Denoise.Data.DigitLayout.Centred, Denoise.Models.SelfEnsemble.None, new Denoise.Noise.GaussianNoise(0.5), 1, Denoise.Training.Precision.Float32, comparison);

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var denoised = document.RootElement.GetProperty("denoised");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, denoised.GetProperty("psnr").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, denoised.GetProperty("ssim").ValueKind);
        Assert.Equal(20.0, document.RootElement.GetProperty("noisy").GetProperty("psnr").GetDouble());
    }
}
