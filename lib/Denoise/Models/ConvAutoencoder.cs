using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// The denoising autoencoder of the Keras example: two 3×3 conv + max-pool stages down to 7×7×16,
/// then two conv + nearest-upsample stages back to 28×28, and a sigmoid conv to one channel.
/// </summary>
public sealed class ConvAutoencoder : Module<Tensor, Tensor>
{
    private readonly Conv2d encode1 = Conv2d(1, 32, 3, padding: 1);
    private readonly MaxPool2d pool1 = MaxPool2d(2);
    private readonly Conv2d encode2 = Conv2d(32, 16, 3, padding: 1);
    private readonly MaxPool2d pool2 = MaxPool2d(2);
    private readonly Conv2d decode1 = Conv2d(16, 16, 3, padding: 1);
    private readonly Upsample up1 = Upsample(scale_factor: [2, 2], mode: UpsampleMode.Nearest);
    private readonly Conv2d decode2 = Conv2d(16, 32, 3, padding: 1);
    private readonly Upsample up2 = Upsample(scale_factor: [2, 2], mode: UpsampleMode.Nearest);
    private readonly Conv2d output = Conv2d(32, 1, 3, padding: 1);

    public ConvAutoencoder() : base(nameof(ConvAutoencoder))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = pool1.call(functional.relu(encode1.call(input)));
        x = pool2.call(functional.relu(encode2.call(x)));
        x = up1.call(functional.relu(decode1.call(x)));
        x = up2.call(functional.relu(decode2.call(x)));
        return functional.sigmoid(output.call(x)).MoveToOuterDisposeScope();
    }
}
