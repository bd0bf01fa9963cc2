using System.IO.Compression;
using Denoise.Data;
using Denoise.Models;
using Denoise.Training;
using static Denoise.Tests.Cli.CliRun;

namespace Denoise.Tests.Training;

/// <summary>
/// State dicts that torch.load accepts, we accept: tensors that are views at an offset into a shared storage, strided
/// (non-contiguous) tensors and nn.Parameter values, each made by torch.save in the project's Python peer (BatchNorm's
/// int64 counter: DnCnnDenoiserTests). Crafted pickles end in one line that names the file.
/// </summary>
[Collection("torch")]
public sealed class PyTorchLayoutTests : IDisposable
{
    private const string Advice = "save one in PyTorch with torch.save(model.state_dict(), path)";

    private static readonly string Script = Path.Combine(DataFolder.FindRepoRoot(AppContext.BaseDirectory)!, "tests", "scripts", "pytorch_interop.py");

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("conv-autoencoder", "slice")]
    [InlineData("conv-autoencoder", "permuted")]
    [InlineData("conv-autoencoder", "parameter")]
    [InlineData("unet", "slice")]
    [InlineData("unet", "permuted")]
    [InlineData("unet", "parameter")]
    public void A_state_dict_in_another_memory_layout_imports_to_the_same_weights(string architecture, string layout)
    {
        using var model = Architectures.Create(architecture, seed: 5);
        var plain = folder.File("plain.pt");
        var other = folder.File($"{layout}.pt");
        PyTorchWeights.Export(model, plain, WeightFormat.PyTorch);
        Metrics.PythonReference.RunScript(Script, "relayout", "--weights", plain, "--layout", layout, "--out", other);

        var (imported, _) = PyTorchWeights.Import(architecture, other);
        using var _ = imported;

        var expected = model.state_dict();
        foreach (var (name, tensor) in imported.state_dict())
        {
            Assert.True(tensor.is_contiguous(), $"{name} is not contiguous");
            Assert.True(tensor.equal(expected[name]).all().item<bool>(), $"{name} differs after the {layout} layout");
        }
    }

    [Theory]
    [InlineData("binbytes", "its pickle announces a bytes object of 2,147,483,648 bytes at byte 2, where 3 are left")]
    [InlineData("frame", "its pickle announces a frame of 1,099,511,627,776 bytes at byte 2, where 2 are left")]
    [InlineData("os-system", "holds a pickled os.system, which is no part of a state dict of tensors")]
    [InlineData("numpy", "holds a pickled numpy.core.multiarray._reconstruct, which is no part of a state dict of tensors")]
    [InlineData("opcode", "its pickle holds opcode 0xff at byte 2, which pickle does not define")]
    [InlineData("no-stop", "its pickle ends after 3 bytes without its STOP opcode")]
    public void A_crafted_pickle_ends_in_one_line_naming_the_file(string kind, string message)
    {
        byte[] pickle = kind switch
        {
            "binbytes" => [0x80, 0x02, (byte)'B', 0x00, 0x00, 0x00, 0x80, (byte)'x', (byte)'y', (byte)'.'],
            "frame" => [0x80, 0x04, 0x95, .. BitConverter.GetBytes(1UL << 40), (byte)'}', (byte)'.'],
            "os-system" => [0x80, 0x02, .. "cos\nsystem\n"u8, (byte)'X', 2, 0, 0, 0, (byte)'l', (byte)'s', 0x85, (byte)'R', (byte)'.'],
            "numpy" => [0x80, 0x02, (byte)'}', (byte)'X', 1, 0, 0, 0, (byte)'w', .. "cnumpy.core.multiarray\n_reconstruct\n"u8, (byte)')', (byte)'R', (byte)'s', (byte)'.'],
            "opcode" => [0x80, 0x02, 0xFF, (byte)'.'],
            _ => [0x80, 0x02, (byte)'}'],
        };
        var file = folder.File(kind + ".pt");
        using (var zip = ZipFile.Open(file, ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("archive/data.pkl").Open())
            entry.Write(pickle);

        var output = folder.File("imported.dat");
        var (exit, printed, error) = Run("import", "--arch", ConvAutoencoder.ArchitectureName, "--weights", file, "--output", output);

        Assert.Equal((1, "", $"denoise: {file}: {message} - {Advice}\n"), (exit, printed, error));
        Assert.False(File.Exists(output));
    }
}
