using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// The seed model: the convolutional denoising autoencoder of the Keras denoising notebook this project re-creates.
/// Two 3×3 conv + max-pool stages down to 7×7×16, two conv + nearest-upsample stages back, and a sigmoid conv to one
/// channel; 12,193 parameters. (keras.io's "Convolutional autoencoder for image denoising" is a different network:
/// 32 filters in every layer and transposed convolutions.) Input and output are N×1×H×W images in [0, 1], H and W
/// multiples of 4. Its fast execution, <see cref="PhasedForward"/>, lives beside it in ConvAutoencoder.PhasedForward.cs.
/// </summary>
public sealed partial class ConvAutoencoder : Denoiser
{
    /// <summary>The name this architecture is registered under and written into model files.</summary>
    public const string ArchitectureName = "conv-autoencoder";

    private readonly Conv2d encode1 = Conv2d(1, 32, 3, padding: 1);
    private readonly MaxPool2d pool1 = MaxPool2d(2);
    private readonly Conv2d encode2 = Conv2d(32, 16, 3, padding: 1);
    private readonly MaxPool2d pool2 = MaxPool2d(2);
    private readonly Conv2d decode1 = Conv2d(16, 16, 3, padding: 1);
    private readonly Upsample up1 = Upsample(scale_factor: [2, 2], mode: UpsampleMode.Nearest);
    private readonly Conv2d decode2 = Conv2d(16, 32, 3, padding: 1);
    private readonly Upsample up2 = Upsample(scale_factor: [2, 2], mode: UpsampleMode.Nearest);
    private readonly Conv2d output = Conv2d(32, 1, 3, padding: 1);

    /// <summary>Creates the model with Keras' default initialisation (Glorot-uniform kernels, zero biases) drawn from <paramref name="seed"/>.</summary>
    public ConvAutoencoder(long seed) : base(nameof(ConvAutoencoder))
    {
        RegisterComponents();
        InitializeFrom(seed);
    }

    public override string Architecture => ArchitectureName;

    /// <summary>Two 2×2 poolings.</summary>
    public override int SizeMultiple => 4;

    /// <summary>
    /// The five 3×3 convolutions reach 1 + 2 + 4 + 2 + 1 pixels at their scales (full, half, quarter, half, full), and
    /// where a pixel falls in the two 2×2 pooling windows adds up to 1 + 2: 13 (the tests measure it from gradients).
    /// </summary>
    public override int ReceptiveRadius => 13;

    public override bool HasLogits => true;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return functional.sigmoid(ForwardLogits(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Everything but the final sigmoid: training pairs these logits with binary cross-entropy-with-logits,
    /// which equals BCE on <see cref="forward"/>'s output but stays finite when the sigmoid saturates.
    /// </summary>
    public override Tensor ForwardLogits(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = pool1.call(functional.relu(encode1.call(input)));
        x = pool2.call(functional.relu(encode2.call(x)));
        x = up1.call(functional.relu(decode1.call(x)));
        x = up2.call(functional.relu(decode2.call(x)));
        return output.call(x).MoveToOuterDisposeScope();
    }

    public override FastForward CreateFastForward() => new PhasedForward(this);

    /// <summary>
    /// Keras initialises Conv2D with Glorot-uniform (limit √(6 / (fan_in + fan_out)), fans = channels × 3 × 3) and
    /// zero biases, where PyTorch uses Kaiming-uniform for both.
    /// </summary>
    protected override void Initialize(Generator generator)
    {
        foreach (var conv in new[] { encode1, encode2, decode1, decode2, output })
            Initialization.GlorotUniform(conv, generator);
    }
}
