using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

/// <summary>Small seeded stand-ins for MNIST pairs: mostly dark binary images with 4x4 bright blocks as targets, Gaussian-noised copies as inputs.</summary>
internal static class SyntheticPairs
{
    public static TrainingData Make(int train, int validation, ulong seed)
    {
        using var generator = new Generator(seed);
        var (noisyTrain, cleanTrain) = Pairs(train, generator);
        var (noisyValidation, cleanValidation) = Pairs(validation, generator);
        return new TrainingData(noisyTrain, cleanTrain, noisyValidation, cleanValidation);
    }

    private static (Tensor Noisy, Tensor Clean) Pairs(int count, Generator generator)
    {
        using var scope = NewDisposeScope();
        // Binary targets, like MNIST's mostly-0-or-1 pixels, let the loss fall well below ln 2 (their entropy is 0).
        var coarse = (rand([count, 1, 7, 7], generator: generator) > 0.7).to_type(ScalarType.Float32);
        var clean = nn.functional.interpolate(coarse, size: [28, 28], mode: InterpolationMode.Nearest);
        var noisy = (clean + 0.5 * randn([count, 1, 28, 28], generator: generator)).clamp(0, 1);
        return (noisy.MoveToOuterDisposeScope(), clean.MoveToOuterDisposeScope());
    }
}
