using Denoise.Models;
using Denoise.Training;

namespace Denoise.Cli.Bench;

/// <summary>What `denoise bench` measures and how long.</summary>
/// <param name="Architecture">The registered architecture to train and run; its recipe gives the noise, loss and Adam settings.</param>
/// <param name="Threads">Intra-op threads for TorchSharp and PyTorch alike.</param>
/// <param name="Batches">Timed training batches of 256 (after <paramref name="Warmup"/> untimed ones).</param>
/// <param name="Warmup">Untimed training batches first.</param>
/// <param name="ChunkSize">Images per chunk of the fast training step (<see cref="ChunkSizeOf"/> gives the model's own).</param>
/// <param name="MnistFolder">Folder with train-images-idx3-ubyte, or null to use synthetic uniform images.</param>
/// <param name="Plain">Measure the plain step (model.call, loss, backward, step) instead of the model's fast one.</param>
/// <param name="Precision">
/// What our side computes in, fp32 or bf16 (auto is resolved before), and the tuned PyTorch side likewise (bf16: CPU
/// autocast); idiomatic PyTorch always runs fp32.
/// </param>
/// <param name="Workers">Data-parallel workers of our fast step (null: one per thread).</param>
/// <param name="PeerNetworks">A Python file with the PyTorch network of an architecture registered outside the library
/// (bench/pytorch_reference.py --networks), or null.</param>
public sealed record BenchmarkSettings(
    string Architecture = ConvAutoencoder.ArchitectureName,
    int Threads = 2,
    int Batches = 40,
    int Warmup = 5,
    int ChunkSize = FastForward.DefaultChunkSize,
    string? MnistFolder = null,
    bool Plain = false,
    Precision Precision = Precision.Float32,
    int? Workers = null,
    string? PeerNetworks = null)
{
    public const int BatchSize = 256;

    /// <summary>The chunk size the fast step of <paramref name="architecture"/> uses when training (its <see cref="FastForward.ChunkSize"/>).</summary>
    public static int ChunkSizeOf(string architecture)
    {
        using var model = Architectures.Create(architecture, seed: 0);
        using var fast = model.CreateFastForward();
        return fast?.ChunkSize ?? FastForward.DefaultChunkSize;
    }

    /// <summary>The training recipe of the architecture: the bench trains with its noise (any kind, one level or a range,
    /// which the PyTorch side draws by the same formulas), loss and optimiser settings.</summary>
    public TrainingOptions Recipe => Architectures.Get(Architecture).Recipe;
}
