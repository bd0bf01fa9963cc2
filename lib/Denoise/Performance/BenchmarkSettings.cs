namespace Denoise.Performance;

/// <summary>What `denoise bench` measures and how long.</summary>
/// <param name="Threads">Intra-op threads for TorchSharp and PyTorch alike.</param>
/// <param name="Batches">Timed training batches of 256 (after <paramref name="Warmup"/> untimed ones).</param>
/// <param name="Warmup">Untimed training batches first.</param>
/// <param name="ChunkSize">Images per chunk of the fast training step.</param>
/// <param name="MnistFolder">Folder with train-images-idx3-ubyte, or null to use synthetic uniform images.</param>
/// <param name="Plain">Measure the plain loop (model.call, sigmoid, BCE, backward, step) instead of the fast one.</param>
public sealed record BenchmarkSettings(
    int Threads = 2,
    int Batches = 40,
    int Warmup = 5,
    int ChunkSize = FastTrainingStep.DefaultChunkSize,
    string? MnistFolder = null,
    bool Plain = false)
{
    public const int BatchSize = 256;
}
