using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Tests.Models;

/// <summary>The shared initialisations know dense layers and normalisation layers, not only convolutions.</summary>
[Collection("torch")]
public sealed class InitializationTests
{
    [Fact]
    public void Pytorchs_default_draws_linear_weights_and_biases_within_one_over_root_fan_in()
    {
        using var dense = Linear(25, 40);
        using var generator = new Generator(1);

        Initialization.PyTorchDefault(dense, generator);

        // Uniform in ±1/√25 = ±0.2: 1,000 weights reach close to both ends and never beyond.
        Assert.InRange(dense.weight!.max().item<float>(), 0.19, 0.2);
        Assert.InRange(dense.weight!.min().item<float>(), -0.2, -0.19);
        Assert.InRange(dense.bias!.abs().max().item<float>(), 0.05, 0.2);
    }

    [Fact]
    public void Keras_glorot_uniform_for_a_dense_layer_uses_its_inputs_and_outputs()
    {
        using var dense = Linear(20, 30);
        using var generator = new Generator(2);

        Initialization.GlorotUniform(dense, generator);

        // ±√(6 / (20 + 30)) = ±0.3464; biases zero, as Keras' Dense starts.
        var limit = Math.Sqrt(6.0 / 50);
        Assert.InRange(dense.weight!.abs().max().item<float>(), 0.95 * limit, limit);
        Assert.True(dense.bias!.eq(0).all().item<bool>());
    }

    [Fact]
    public void Normalisation_layers_start_as_the_identity_with_fresh_statistics()
    {
        using var batchNorm = BatchNorm2d(3);
        using var groupNorm = GroupNorm(1, 3);
        using var generator = new Generator(3);
        using (no_grad())
        {
            batchNorm.weight.fill_(5);
            batchNorm.running_mean!.fill_(2);
            groupNorm.bias!.fill_(7);
        }

        Initialization.PyTorchDefaults(Sequential(batchNorm, groupNorm), generator);

        Assert.True(batchNorm.weight.eq(1).all().item<bool>() && batchNorm.running_mean!.eq(0).all().item<bool>());
        Assert.True(groupNorm.bias!.eq(0).all().item<bool>() && groupNorm.weight!.eq(1).all().item<bool>());
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_for_every_layer_in_registration_order()
    {
        Module<Tensor, Tensor> Network() => Sequential(Conv2d(1, 4, 3), BatchNorm2d(4), Linear(4, 2));
        using var first = Network();
        using var second = Network();

        using (var generator = new Generator(9))
            Initialization.PyTorchDefaults(first, generator);
        using (var generator = new Generator(9))
            Initialization.PyTorchDefaults(second, generator);

        Assert.All(first.parameters().Zip(second.parameters()), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
    }
}
