using static TorchSharp.torch;

namespace Denoise.Models;

/// <summary>
/// A model's optimised execution: the same mathematics as its <c>forward</c>, computed faster (another memory layout,
/// fused or rewritten kernels), built from the model's own typed fields so that gradients land in its parameters.
/// The chunked training step runs it over chunks of a batch on parallel workers, the trainer's validation and
/// <see cref="ImageDenoiser"/> run it for inference.
/// </summary>
/// <remarks>
/// Some parameters may be better used in a derived form (e.g. a 3×3 kernel over an upsampled image as four 2×2 phase
/// kernels). <see cref="Prepare"/> computes those once per batch, differentiably; the chunks read them as detached
/// leaves, and one backward carries their summed gradients to the parameters they came from.
/// </remarks>
public abstract class FastForward : IDisposable
{
    /// <summary>The parameters the chunks read directly; every other parameter reaches them through <see cref="Prepare"/>.</summary>
    public abstract IReadOnlyList<Tensor> DirectParameters { get; }

    /// <summary>Tensors derived from the remaining parameters, differentiable; computed once per batch. None by default.</summary>
    public virtual IReadOnlyList<Tensor> Prepare() => [];

    /// <summary>
    /// Images per chunk of the chunked step unless the caller says otherwise: the size this model's step ran fastest at
    /// on the bench (`denoise bench --chunk`). The seed model's 32 keep a chunk's activations in the L2 cache.
    /// </summary>
    public virtual int ChunkSize => DefaultChunkSize;

    /// <summary>The chunk size of a fast forward that does not choose its own.</summary>
    public const int DefaultChunkSize = 32;

    /// <summary>Whether <see cref="Loss"/> can compute <paramref name="loss"/> (e.g. only losses that are means over pixels).</summary>
    public virtual bool Supports(DenoisingLoss loss) => true;

    /// <summary>The mean <paramref name="loss"/> of the model's outputs for <paramref name="noisy"/> against <paramref name="clean"/>.</summary>
    public abstract Tensor Loss(Tensor noisy, Tensor clean, IReadOnlyList<Tensor> prepared, DenoisingLoss loss);

    /// <summary>What the model's <c>forward</c> returns for <paramref name="noisy"/>.</summary>
    public abstract Tensor Predict(Tensor noisy, IReadOnlyList<Tensor> prepared);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }
}
