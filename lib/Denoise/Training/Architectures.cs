using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;

namespace Denoise.Training;

/// <summary>
/// The registry of architectures: a model file, a checkpoint, the CLI's --arch and the notebooks build a model by its
/// name through here. The library's own architectures are always present; <see cref="Register"/> adds one (a test's,
/// or a user's), so every tool that takes a model works with it unchanged.
/// </summary>
public static class Architectures
{
    private static readonly List<Architecture> Known = [];

    /// <summary>Names that model files written by earlier versions carry, and the architecture each means now.</summary>
    private static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["ConvAutoencoder/keras-denoising-v1"] = ConvAutoencoder.ArchitectureName,
    };

    static Architectures()
    {
        Register(new Architecture(ConvAutoencoder.ArchitectureName,
            "the seed model: the Keras denoising notebook's conv autoencoder, 12,193 parameters",
            seed => new ConvAutoencoder(seed),
            new TrainingOptions()));
        Register(new Architecture(UNet.ArchitectureName,
            "the stronger model: a half-resolution U-Net with skip connections, 219,076 parameters",
            seed => new UNet(seed),
            new TrainingOptions
            {
                Loss = DenoisingLoss.MeanSquaredErrorAndSsim(0.1),
                BatchSize = 128,
                LearningRate = 4e-3,
                Schedule = LearningRateSchedule.Cosine,
                FreshNoise = true,
                Augmentation = DigitAugmentation.Parse("shift:6,scale:0.8-1.2,composite:0.25,unmoved:0.5"),
                Minutes = 15,
                Precision = Precision.Auto,
            }));
        Register(new Architecture(PhotoUNet.ArchitectureName,
            "the photo model: a residual U-Net told the noise level, predicting the noise, 487,636 parameters",
            seed => new PhotoUNet(seed),
            PhotoRecipe));
    }

    /// <summary>
    /// The photo model's recipe, from the prototypes in docs/photos-log.md: random 48×48 grey patches of the training
    /// photos (any of the eight flips and rotations), 16 a batch, 200 batches an epoch (the validation on the 44 test
    /// tiles after each then costs a few per cent of the time), fresh noise every batch, blind over Gaussian
    /// σ 0–50 of 255; MSE (on the clean image, which equals MSE on the predicted noise), Adam from 2e-3 with the warm
    /// cosine schedule; 15 minutes, so that a run fits a report on 2 cores; bf16 where this machine computes it faster
    /// (auto, as the U-Net's recipe).
    /// </summary>
    public static TrainingOptions PhotoRecipe { get; } = new()
    {
        DataSet = DataSetKind.Photos,
        Noise = new GaussianNoise(0, 50 / 255.0),
        FreshNoise = true,
        PatchSize = 48,
        BatchSize = 16,
        BatchesPerEpoch = 200,
        Loss = DenoisingLoss.MeanSquaredError,
        LearningRate = 2e-3,
        Schedule = LearningRateSchedule.Cosine,
        Minutes = 15,
        Precision = Precision.Auto,
    };

    /// <summary>Every registered architecture, in the order they were registered.</summary>
    public static IReadOnlyList<Architecture> All
    {
        get
        {
            lock (Known)
                return [.. Known];
        }
    }

    /// <summary>The registered names, for help texts and error messages.</summary>
    public static string Names => string.Join(", ", All.Select(a => a.Name));

    /// <summary>
    /// Adds <paramref name="architecture"/>. Registering the same record again is harmless; another architecture under a
    /// taken name is refused, so that a name always means one network.
    /// </summary>
    public static void Register(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        lock (Known)
        {
            var stored = Known.Find(a => a.Name == architecture.Name);
            if (stored is null)
                Known.Add(architecture);
            else if (stored != architecture)
                throw new ArgumentException($"architecture '{architecture.Name}' is registered already, as {stored.Description}");
        }
    }

    /// <summary>The architecture called <paramref name="name"/> (or a name an earlier version wrote for it).</summary>
    /// <exception cref="ArgumentException">No such architecture; the message lists the known ones.</exception>
    public static Architecture Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var resolved = Aliases.GetValueOrDefault(name, name);
        lock (Known)
            return Known.Find(a => a.Name == resolved)
                ?? throw new ArgumentException($"unknown architecture '{name}'; known: {Names}");
    }

    /// <summary>A new model of architecture <paramref name="name"/>, its weights drawn from <paramref name="seed"/>.</summary>
    public static Denoiser Create(string name, long seed) => Get(name).Create(seed);

    /// <summary>
    /// A bf16 copy of <paramref name="master"/> (mixed precision), built from a new model of its architecture: the copy
    /// holds the master's current weights; the caller disposes it.
    /// </summary>
    public static BFloat16Copy CreateBFloat16Copy(Denoiser master)
    {
        var twin = Create(master.Architecture, seed: 0);
        try
        {
            return new BFloat16Copy(master, twin);
        }
        catch
        {
            twin.Dispose();
            throw;
        }
    }
}
