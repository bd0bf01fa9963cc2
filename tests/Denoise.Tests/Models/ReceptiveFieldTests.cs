using Denoise.Models;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

/// <summary>Every library architecture's <see cref="Denoiser.ReceptiveRadius"/> holds: no pixel farther away changes an output.</summary>
[Collection("torch")]
public sealed class ReceptiveFieldTests
{
    public static TheoryData<string> LibraryArchitectures => [.. Architectures.All.Where(a => !a.Name.StartsWith("test-")).Select(a => a.Name)];

    [Theory]
    [MemberData(nameof(LibraryArchitectures))]
    public void No_input_pixel_beyond_the_receptive_radius_changes_an_output(string architecture)
    {
        using var model = Architectures.Create(architecture, seed: 3);
        // Training mode: the same network, without an eval-time clamp that would zero the gradient of a clamped pixel.
        model.train();
        const int side = 96;
        var farthest = 0;
        // Output pixels at every offset of the pooling grid, away from the borders.
        foreach (var (row, column) in new[] { (48, 48), (49, 50), (50, 49), (51, 51), (47, 46) })
        {
            using var input = rand(1, 1, side, side, generator: new Generator(7)).requires_grad_();
            using var output = model.call(input);
            output[0, 0, row, column].backward();
            using var reached = input.grad!.abs().gt(0).nonzero();   // (count, 4) indices of the pixels that matter
            using var distance = maximum((reached.select(1, 2) - row).abs(), (reached.select(1, 3) - column).abs());
            farthest = Math.Max(farthest, (int)distance.max().item<long>());
        }

        Assert.True(farthest <= model.ReceptiveRadius, $"{architecture}: a pixel {farthest} away changes an output, radius says {model.ReceptiveRadius}");
        Assert.True(farthest > model.ReceptiveRadius / 2, $"{architecture}: the radius {model.ReceptiveRadius} is far larger than the {farthest} measured");
    }
}
