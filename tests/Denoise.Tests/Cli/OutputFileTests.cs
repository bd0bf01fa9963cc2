using System.CommandLine;
using System.Diagnostics;
using Denoise.Cli;
using Denoise.Models;
using Denoise.Training;
using static Denoise.Tests.Cli.CliRun;

namespace Denoise.Tests.Cli;

/// <summary>
/// No verb writes over what it reads, or over a file of another kind, whatever the path it is given: the one check of
/// <see cref="OutputFile"/>, made before anything is read or trained.
/// </summary>
[Collection("torch")]
public sealed class OutputFileTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string modelPath;
    private readonly byte[] modelBytes;

    public OutputFileTests()
    {
        modelPath = folder.File("model.dat");
        using var model = new ConvAutoencoder(seed: 3);
        ModelFile.Save(modelPath, model, ModelMetadata.For(model, new TrainingOptions(), []));
        modelBytes = File.ReadAllBytes(modelPath);
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Evaluate_grid_onto_its_own_model_is_refused_and_the_model_kept()
    {
        var (exit, output, error) = Run("evaluate", "--model", modelPath, "--limit", "16", "--grid", modelPath);

        Assert.Equal((1, "", $"denoise: --grid {modelPath} is the model file itself; give another file name\n"), (exit, output, error));
        Assert.Equal(modelBytes, File.ReadAllBytes(modelPath));
    }

    [Fact]
    public void A_link_to_an_input_is_that_input()
    {
        var symbolic = folder.File("link.png");
        File.CreateSymbolicLink(symbolic, modelPath);
        var hard = folder.File("hard.dat");
        using (var ln = Process.Start("ln", [modelPath, hard]))
            ln.WaitForExit();

        var viaSymbolic = Run("evaluate", "--model", modelPath, "--limit", "16", "--grid", symbolic);
        var viaHard = Run("export", "--model", modelPath, "--format", "pytorch", "--output", hard);

        Assert.Equal((1, $"denoise: --grid {symbolic} is the model file itself; give another file name\n"), (viaSymbolic.Exit, viaSymbolic.Error));
        Assert.Equal((1, $"denoise: --output {hard} is the model file itself; give another file name\n"), (viaHard.Exit, viaHard.Error));
        Assert.Equal(modelBytes, File.ReadAllBytes(modelPath));
    }

    [Fact]
    public void An_output_replaces_only_a_file_of_the_kind_it_writes()
    {
        var other = folder.File("other.dat");
        File.Copy(modelPath, other);
        var picture = folder.File("picture.png");
        File.WriteAllBytes(picture, Imaging.CraftedImages.GrayPng(4, 4, 9));

        var grid = Run("evaluate", "--model", modelPath, "--limit", "16", "--grid", other);
        var weights = Run("export", "--model", modelPath, "--format", "pytorch", "--output", other);
        var imported = Run("import", "--arch", ConvAutoencoder.ArchitectureName, "--weights", other, "--output", picture);
        var bench = Run("bench", "--skip-pytorch", "--json", other);

        Assert.Equal((1, $"denoise: --grid {other} exists and is not a PNG image, which is all this may replace - give another file name, or remove it first\n"), (grid.Exit, grid.Error));
        Assert.Equal((1, $"denoise: --output {other} exists and is not a PyTorch or safetensors file, which is all this may replace - give another file name, or remove it first\n"), (weights.Exit, weights.Error));
        Assert.Equal((1, $"denoise: --output {picture} exists and is not a denoise model file, which is all this may replace - give another file name, or remove it first\n"), (imported.Exit, imported.Error));
        Assert.Equal((1, $"denoise: --json {other} exists and is not a JSON file, which is all this may replace - give another file name, or remove it first\n"), (bench.Exit, bench.Error));
        Assert.Equal(modelBytes, File.ReadAllBytes(other));
    }

    [Fact]
    public void Bench_refuses_a_folder_for_its_json_before_it_measures_anything()
    {
        var target = Directory.CreateDirectory(folder.File("results")).FullName;

        var (exit, output, error) = Run("bench", "--skip-pytorch", "--json", target);

        Assert.Equal((1, "", $"denoise: --json {target} is a folder; give a file name\n"), (exit, output, error));
    }

    [Theory]
    [InlineData("")]
    [InlineData("folder")]
    [InlineData("folder/")]
    [InlineData("model.png")]
    public void Train_refuses_an_output_it_cannot_write_before_training_and_leaves_no_checkpoint(string name)
    {
        Directory.CreateDirectory(folder.File("folder"));
        File.WriteAllBytes(folder.File("model.png"), Imaging.CraftedImages.GrayPng(4, 4, 9));
        var output = name == "" ? "" : folder.File(name);
        var root = new RootCommand("test") { TrainCommand.Create((_, _) => throw new InvalidOperationException("not reached")) };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = CommandRunner.Run(root, ["train", "--epochs", "1", "--output", output], stdout, stderr);

        Assert.Equal(1, exit);
        Assert.Equal(name switch
        {
            "" => "denoise: --output is empty; give a file name",
            "model.png" => $"denoise: --output {output} exists and is not a denoise model file, which is all this may replace - give another file name, or remove it first",
            _ => $"denoise: --output {output} is a folder; give a file name",
        }, stderr.ToString().Trim());
        Assert.Empty(Directory.GetFiles(folder.Path, "*.checkpoint", SearchOption.AllDirectories));
        Assert.False(File.Exists(".checkpoint"), "an empty output must not leave ./.checkpoint behind");
    }
}
