using Denoise.Randomness;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// A network that maps N×1×H×W noisy images with values in [0, 1] to clean ones. Every architecture of the family
/// derives from it; the registry (<c>Training.Architectures</c>) builds one by name (model files, checkpoints, the CLI and notebooks
/// go through it), and the trainer, <see cref="ImageDenoiser"/> and model files work with any of them. A network may
/// also be told each image's noise level (<see cref="EstimateNoiseLevels"/>): its input stays the N×1×H×W images, and
/// it estimates the levels from them unless a caller gives them (<see cref="ForwardWithNoiseLevels"/>).
/// </summary>
public abstract class Denoiser : Module<Tensor, Tensor>
{
    protected Denoiser(string name) : base(name)
    {
    }

    /// <summary>The registered architecture name, written into model files and checkpoints.</summary>
    public abstract string Architecture { get; }

    /// <summary>Height and width must be multiples of this (2 for every 2× down-sampling); <see cref="ImageDenoiser"/> pads to it.</summary>
    public abstract int SizeMultiple { get; }

    /// <summary>
    /// How many pixels on each side of an output pixel can change it in eval mode (the receptive field's half-width):
    /// each k×k convolution adds (k - 1) / 2 times the input pixels one of its steps spans at its scale, and a pooling or
    /// space-to-depth window adds where a pixel may fall in it. Large images are denoised in tiles that overlap by this
    /// much, so the tiles give what the whole image would; ReceptiveFieldTests measures it, so a wrong value fails there.
    /// </summary>
    public abstract int ReceptiveRadius { get; }

    /// <summary>
    /// Tiles of a large image start on multiples of this: the input-pixel stride of the coarsest pooling window, so that
    /// every pooling window falls where it falls in the whole image. At least <see cref="SizeMultiple"/>; the default,
    /// <see cref="SizeMultiple"/>, is right unless a pooling rounds up (ceil_mode) or windows overlap.
    /// </summary>
    public virtual int TileGrid => SizeMultiple;

    /// <summary>
    /// True when the output is the sigmoid of <see cref="ForwardLogits"/>: a binary cross-entropy loss then uses the
    /// logits, which equals BCE on the output but stays finite when the sigmoid saturates.
    /// </summary>
    public virtual bool HasLogits => false;

    /// <summary>Everything but the final sigmoid; only for models whose <see cref="HasLogits"/> is true.</summary>
    public virtual Tensor ForwardLogits(Tensor input) =>
        throw new NotSupportedException($"{Architecture} has no logits: its output is not a sigmoid");

    /// <summary>
    /// For a network that is told each image's noise level: the levels its forward uses when none are given, estimated
    /// from the N×1×H×W images themselves (float64, one per image, σ in the images' units); null for a network that takes
    /// no level, which is every other one. The level is one number per image, so <see cref="ImageDenoiser"/> estimates it
    /// once on the whole image and gives it to every tile, and the tiles agree with the whole image.
    /// </summary>
    public virtual Tensor? EstimateNoiseLevels(Tensor images) => null;

    /// <summary>
    /// The output for images whose noise levels (one per image, as <see cref="EstimateNoiseLevels"/> gives them) are
    /// known: a network that is told levels uses these instead of estimating its own; any other network ignores them and
    /// runs its forward.
    /// </summary>
    public virtual Tensor ForwardWithNoiseLevels(Tensor images, Tensor levels) => call(images);

    /// <summary>
    /// The floating type the network computes in, which its inputs must have: float32, or bfloat16 for the network of a
    /// <see cref="BFloat16Copy"/> (whose normalisation layers alone keep float32). Tests run float64 models.
    /// </summary>
    public ScalarType InputType => parameters().Any(p => p.dtype == ScalarType.BFloat16)
        ? ScalarType.BFloat16
        : parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;

    /// <summary>The number of weights and biases.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// True when a layer, in training mode, normalises with statistics of the whole batch or updates running statistics
    /// (BatchNorm; InstanceNorm that tracks running statistics). Such a model trains one batch at a time on one thread:
    /// split into chunks, each chunk would be normalised with its own statistics (another function, another gradient),
    /// the running statistics would move once per chunk instead of once per batch, and parallel workers would update
    /// them at the same time. So its training takes the plain step (<c>Training.TrainingStep.For</c>) and the chunked
    /// step refuses it; in eval mode the layers use their running statistics, and the fast forward may run as usual.
    /// </summary>
    public bool UsesBatchStatistics => modules().Any(m => m is BatchNorm || m is NormBase { track_running_stats: true });

    /// <summary>A Keras-style table of the layers with their output shapes (for a 28×28 image) and parameter counts.</summary>
    public ModelSummary Summary() => ModelSummary.Of(this);

    /// <summary>
    /// The model's own faster execution of the same mathematics, for training and inference, or null when it has none
    /// (training then takes the plain step: forward, loss, backward; inference calls the module). Its tests prove that
    /// it gives what <c>forward</c> gives.
    /// </summary>
    public virtual FastForward? CreateFastForward() => null;

    /// <summary>Sets every parameter from <paramref name="seed"/> alone (a private generator; the global RNG is untouched).</summary>
    protected abstract void Initialize(Generator generator);

    /// <summary>Calls <see cref="Initialize"/> with a generator seeded from <paramref name="seed"/>; derived constructors call it last.</summary>
    protected void InitializeFrom(long seed)
    {
        using var generator = SeededGenerator.Create(seed);
        using var noGrad = no_grad();
        Initialize(generator);
    }
}
