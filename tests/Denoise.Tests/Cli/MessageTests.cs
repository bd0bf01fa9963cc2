using System.Text;
using System.Text.Json.Nodes;
using Denoise.Cli;
using Denoise.Models;
using Denoise.Training;
using static Denoise.Tests.Cli.CliRun;

namespace Denoise.Tests.Cli;

/// <summary>
/// What a user reads when something is wrong: one line that names the file or option and what is allowed, a non-zero
/// exit, and never a .NET type or exception name.
/// </summary>
[Collection("torch")]
public sealed class MessageTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string modelPath;

    public MessageTests()
    {
        modelPath = folder.File("model.dat");
        using var model = new ConvAutoencoder(seed: 3);
        ModelFile.Save(modelPath, model, ModelMetadata.For(model, new TrainingOptions(), []));
    }

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("Training.Noise", "$.Training.Noise")]
    [InlineData("Architecture", "$.Architecture")]
    [InlineData("History", "$.History")]
    [InlineData("Training.DataSet=cifar", "$.Training.DataSet")]
    [InlineData("Training.Seed=1e30", "$.Training.Seed")]
    public void A_model_file_whose_metadata_lacks_a_value_names_it(string change, string at)
    {
        var path = WithMetadata(change);

        var (exit, output, error) = Run("evaluate", "--model", path, "--limit", "16");

        Assert.Equal((1, "", $"denoise: {path}: the model file's metadata is damaged at {at} (a value is missing or not of its kind) - train it again with ./denoise train\n"), (exit, output, error));
    }

    [Fact]
    public void A_zero_width_png_is_called_damaged_with_its_size()
    {
        var path = folder.File("empty.png");
        File.WriteAllBytes(path, Imaging.PngHeader.Claiming(0, 28));

        var (exit, _, error) = Run("metrics", "--reference", path, "--image", path);

        Assert.Equal((1, $"denoise: {path}: its header says 0x28 pixels; an image needs at least 1x1 - the file is damaged\n"), (exit, error));
    }

    [Fact]
    public void A_checkpoint_setting_out_of_range_is_the_checkpoints_fault_not_the_users()
    {
        var output = folder.File("run.dat");
        var checkpoint = output + ".checkpoint";
        using (var model = new ConvAutoencoder(seed: 3))
        using (var trainer = new Trainer(model, new TrainingOptions { Epochs = 1, BatchSize = 16 }))
        using (var data = Training.SyntheticPairs.Make(16, 4, 1))
            trainer.Fit(data, checkpointPath: checkpoint);
        Rewrite(checkpoint, Checkpoint.Magic, json => json["Training"]!["BatchSize"] = 5000);

        var (exit, _, error) = Run("train", "--resume", "--epochs", "2", "--output", output);

        Assert.Equal((1, $"denoise: {checkpoint}: its run's --batch must be from 1 to 1024, got 5000 - start again without --resume\n"), (exit, error));
    }

    [Theory]
    [InlineData("data", "fetch", "--data-dir", "")]
    [InlineData("denoise", "--model", "m.dat", "--input", "", "--output", "o.png")]
    [InlineData("train", "--arch", " ")]
    [InlineData("evaluate", "--model", "")]
    public void An_empty_value_is_refused_when_parsed_naming_the_option(params string[] args)
    {
        var option = args[Array.FindIndex(args, a => string.IsNullOrWhiteSpace(a)) - 1];

        var (exit, _, error) = Run(args);

        Assert.Equal((2, $"denoise: {option} is empty; give a value (see 'denoise --help')\n"), (exit, error));
    }

    [Fact]
    public void A_fault_of_ours_is_said_without_dotnets_name_for_it_or_libtorchs_stack()
    {
        var message = CommandRunner.OneLine(new System.Runtime.InteropServices.ExternalException(
            "shape '[2]' is invalid for input of size 3\nException raised from infer_size_impl at aten/src/ATen/InferSize.h:69 (most recent call first):\nframe #0: c10::Error::Error()"));

        Assert.Equal("an unexpected error stopped the command (shape '[2]' is invalid for input of size 3) - DENOISE_DEBUG=1 shows where; please report it", message);
    }

    [Theory]
    [InlineData("train --seed 99999999999999999999")]
    [InlineData("train --schedule foo")]
    [InlineData("train --lr 1e39 --loss mse")]
    [InlineData("train --minutes 1e308")]
    [InlineData("evaluate --model MODEL --seed 1.5")]
    [InlineData("bench --threads x")]
    public void No_message_shows_a_dotnet_type(string line)
    {
        var (exit, _, error) = Run(line.Replace("MODEL", modelPath).Split(' '));

        Assert.NotEqual(0, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("Exception", error);
        Assert.DoesNotContain("Denoise.", error);
        Assert.DoesNotContain("IObjectConstructor", error);
    }

    /// <summary>The model file with its metadata changed: "A.B" set to null, "A.B=v" set to v.</summary>
    private string WithMetadata(string change)
    {
        var path = folder.File($"changed-{change.Replace('=', '-')}.dat");
        File.Copy(modelPath, path);
        var (member, value) = change.Split('=') is [var m, var v] ? (m, v) : (change, null);
        Rewrite(path, ModelFile.Magic, json =>
        {
            var parts = member.Split('.');
            var target = parts[..^1].Aggregate(json, (node, part) => node[part]!);
            target[parts[^1]] = value is null ? null : JsonNode.Parse(value.StartsWith('1') ? value : $"\"{value}\"");
        });
        return path;
    }

    /// <summary>Rewrites the JSON block of a framed file (magic line, int32 length, JSON, weights).</summary>
    private static void Rewrite(string path, string magic, Action<JsonNode> change)
    {
        var bytes = File.ReadAllBytes(path);
        var start = magic.Length + 4;
        var length = BitConverter.ToInt32(bytes, magic.Length);
        var json = JsonNode.Parse(bytes.AsSpan(start, length))!;
        change(json);
        var changed = Encoding.UTF8.GetBytes(json.ToJsonString());
        File.WriteAllBytes(path, [.. bytes[..magic.Length], .. BitConverter.GetBytes(changed.Length), .. changed, .. bytes[(start + length)..]]);
    }
}
