using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// The denoising autoencoder of the Keras example: two 3×3 conv + max-pool stages down to 7×7×16,
/// then two conv + nearest-upsample stages back to 28×28, and a sigmoid conv to one channel.
/// Input and output are N×1×28×28 images with values in [0, 1].
/// </summary>
public sealed class ConvAutoencoder : Module<Tensor, Tensor>
{
    /// <summary>The architecture name written into model files; a file with another name is refused.</summary>
    public const string ArchitectureName = "ConvAutoencoder/keras-denoising-v1";

    /// <summary>The image side the architecture expects (two 2× poolings need a multiple of 4).</summary>
    public const int ImageSize = 28;

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
        InitializeLikeKeras(seed);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return functional.sigmoid(ForwardLogits(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Everything but the final sigmoid: training pairs these logits with binary cross-entropy-with-logits,
    /// which equals BCE on <see cref="forward"/>'s output but stays finite when the sigmoid saturates.
    /// </summary>
    public Tensor ForwardLogits(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = pool1.call(functional.relu(encode1.call(input)));
        x = pool2.call(functional.relu(encode2.call(x)));
        x = up1.call(functional.relu(decode1.call(x)));
        x = up2.call(functional.relu(decode2.call(x)));
        return output.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>The number of weights and biases (12,193 for this architecture).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>A Keras-style summary: each layer's output shape and parameter count, found by running a dummy image through it.</summary>
    public ModelSummary Summary()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = new List<LayerSummary>();
        var x = zeros(1, 1, ImageSize, ImageSize);
        // Activations are fused into the conv rows, as Keras does; they do not change shapes.
        foreach (var (name, type, layer) in Layers())
        {
            x = layer.call(x);
            var parameters = layer.parameters().Sum(p => p.numel());
            rows.Add(new LayerSummary(name, type, [x.shape[2], x.shape[3], x.shape[1]], parameters));
        }

        var trainable = parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        return new ModelSummary("conv_autoencoder", rows, trainable, ParameterCount - trainable);
    }

    /// <summary>The layers in data-flow order with the names and types Keras would give them.</summary>
    private IEnumerable<(string Name, string Type, Module<Tensor, Tensor> Layer)> Layers() =>
    [
        ("conv2d", "Conv2D", encode1),
        ("max_pooling2d", "MaxPooling2D", pool1),
        ("conv2d_1", "Conv2D", encode2),
        ("max_pooling2d_1", "MaxPooling2D", pool2),
        ("conv2d_2", "Conv2D", decode1),
        ("up_sampling2d", "UpSampling2D", up1),
        ("conv2d_3", "Conv2D", decode2),
        ("up_sampling2d_1", "UpSampling2D", up2),
        ("conv2d_4", "Conv2D", output),
    ];

    /// <summary>
    /// Keras initialises Conv2D with Glorot-uniform (limit √(6 / (fan_in + fan_out)), fans = channels × 3 × 3) and
    /// zero biases, where PyTorch uses Kaiming-uniform for both; a private generator keeps the global RNG out of it.
    /// </summary>
    private void InitializeLikeKeras(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var noGrad = no_grad();
        foreach (var conv in new[] { encode1, encode2, decode1, decode2, output })
        {
            var weight = conv.weight!;
            var receptive = weight.shape[2] * weight.shape[3];
            var fanIn = weight.shape[1] * receptive;
            var fanOut = weight.shape[0] * receptive;
            var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
            weight.uniform_(-limit, limit, generator);
            conv.bias!.zero_();
        }
    }
}
