using Denoise.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// A residual block (He et al., 2016, without normalisation): x + conv(relu(conv(x))), two 3×3 convolutions that keep
/// the channels and the size. The block learns a correction to its input, so a stack of them starts near the identity
/// and trains quickly.
/// </summary>
public sealed class ResidualBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d first;
    private readonly Conv2d second;

    public ResidualBlock(int channels) : base(nameof(ResidualBlock))
    {
        first = Conv2d(channels, channels, 3, padding: 1);
        second = Conv2d(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return input.add(second.call(first.call(input).relu_()), Scalars.One).MoveToOuterDisposeScope();
    }
}
