using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Tests.Models;

/// <summary>
/// A network of another kind than the library's, which exists only in the tests: DnCNN-style (Zhang et al., 2017,
/// "Beyond a Gaussian Denoiser"), scaled down for fast tests. Twelve 3×3 convolutions in one Sequential (conv + ReLU,
/// ten times conv + BatchNorm + ReLU, conv) predict the noise, which is subtracted from the input: a deep residual
/// network with batch statistics, trained with MSE and no clamp (eval clamps to [0, 1]). Registered from the tests with
/// <see cref="Architectures.Register"/>, it goes through every path a model goes through without a change to the
/// library; its PyTorch twin is TestDnCNN in tests/scripts/peer_networks.py.
/// </summary>
internal sealed class DnCnnDenoiser : Denoiser
{
    public const string Name = "test-dncnn";

    /// <summary>The 3×3 convolutions; the original has 17 (20 for blind denoising), with 64 channels.</summary>
    public const int Depth = 12;

    public const int Width = 8;

    /// <summary>The PyTorch twin, for bench/pytorch_reference.py and tests/scripts/pytorch_interop.py --networks.</summary>
    public static readonly string PeerNetworks = Path.Combine(
        Denoise.Data.DataFolder.FindRepoRoot(AppContext.BaseDirectory)!, "tests", "scripts", "peer_networks.py");

    /// <summary>Its registration: a blind recipe (each image its own σ), as DnCNN-B trains.</summary>
    public static readonly Architecture Registration = new(Name, "a test's DnCNN-style residual network with BatchNorm",
        seed => new DnCnnDenoiser(seed),
        new TrainingOptions
        {
            Noise = new GaussianNoise(0.1, upTo: 0.9), Loss = DenoisingLoss.MeanSquaredError, Epochs = 2, BatchSize = 32,
            LearningRate = 1e-3, Seed = 3,
        });

    private readonly Sequential body;

    public DnCnnDenoiser(long seed) : base(nameof(DnCnnDenoiser))
    {
        var layers = new List<Module<Tensor, Tensor>> { Conv2d(1, Width, 3, padding: 1), ReLU() };
        for (var i = 0; i < Depth - 2; i++)
            layers.AddRange([Conv2d(Width, Width, 3, padding: 1, bias: false), BatchNorm2d(Width), ReLU()]);
        layers.Add(Conv2d(Width, 1, 3, padding: 1));
        body = Sequential(layers.ToArray());
        RegisterComponents();
        InitializeFrom(seed);
    }

    /// <summary>Registers it (again is harmless) and returns its name.</summary>
    public static string Register()
    {
        Architectures.Register(Registration);
        return Name;
    }

    public override string Architecture => Name;

    /// <summary>No pooling: any size.</summary>
    public override int SizeMultiple => 1;

    /// <summary>Twelve 3×3 convolutions at full resolution reach one pixel further each.</summary>
    public override int ReceptiveRadius => Depth;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var clean = input - body.call(input);
        return (training ? clean : clean.clamp(0, 1)).MoveToOuterDisposeScope();
    }

    protected override void Initialize(Generator generator) => Initialization.PyTorchDefaults(body, generator);
}
