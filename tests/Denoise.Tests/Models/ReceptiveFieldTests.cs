using Denoise.Models;
using Denoise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

/// <summary>
/// Every architecture's <see cref="Denoiser.ReceptiveRadius"/> holds (the library's and a test's own network): no pixel
/// farther away changes an output, and pixels beyond half the radius do. Measured in eval mode, the mode that denoises
/// in tiles: there BatchNorm normalises with its running statistics, where in training mode the batch's statistics link
/// every pixel to every output. Measured by changing pixels rather than by gradients, in float64 so that a change is
/// never rounding: an eval-mode clamp would hide a gradient, so only output pixels strictly inside (0, 1) are watched.
/// </summary>
[Collection("torch")]
public sealed class ReceptiveFieldTests
{
    private const int Side = 96;

    /// <summary>The most output pixels watched per architecture (one batched forward for each check).</summary>
    private const int Watched = 16;

    public static TheoryData<string> Networks =>
        [.. Architectures.All.Where(a => !a.Name.StartsWith("test-", StringComparison.Ordinal)).Select(a => a.Name), DnCnnDenoiser.Register()];

    [Theory]
    [MemberData(nameof(Networks))]
    public void No_input_pixel_beyond_the_receptive_radius_changes_an_output(string architecture)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var model = Architectures.Create(architecture, seed: 3);
        model.eval();
        model.to(ScalarType.Float64);
        var input = rand(1, 1, Side, Side, ScalarType.Float64, generator: new Generator(7));
        var other = rand(1, 1, Side, Side, ScalarType.Float64, generator: new Generator(8));
        var output = model.call(input);

        // Output pixels at every offset of the pooling grid around the centre, away from the borders and from the clamp.
        var grid = model.TileGrid;
        var watched = (from row in Enumerable.Range(Side / 2, grid)
                       from column in Enumerable.Range(Side / 2, grid)
                       let value = output[0, 0, row, column].item<double>()
                       where value is > 0 and < 1
                       select (row, column)).Take(Watched).ToList();
        Assert.NotEmpty(watched);

        var radius = model.ReceptiveRadius;
        var beyondRadius = Changed(model, input, other, output, watched, farther: radius);
        var beyondHalf = Changed(model, input, other, output, watched, farther: radius / 2);

        Assert.True(beyondRadius == 0, $"{architecture}: pixels more than {radius} away change {beyondRadius} of {watched.Count} outputs");
        Assert.True(beyondHalf > 0, $"{architecture}: the radius {radius} is far larger than what changes an output (nothing beyond {radius / 2})");
    }

    /// <summary>
    /// How many watched outputs change when every input pixel more than <paramref name="farther"/> away from them (in rows
    /// or columns) takes the value of <paramref name="other"/>: one image per watched pixel, all in one forward.
    /// </summary>
    private static int Changed(Denoiser model, Tensor input, Tensor other, Tensor output, List<(int Row, int Column)> watched, int farther)
    {
        using var scope = NewDisposeScope();
        var rows = arange(Side, ScalarType.Float64).view(-1, 1);
        var columns = arange(Side, ScalarType.Float64).view(1, -1);
        var images = cat([.. watched.Select(p =>
            where(maximum((rows - p.Row).abs(), (columns - p.Column).abs()).gt(farther), other[0, 0], input[0, 0]).view(1, 1, Side, Side))], 0);
        var changed = model.call(images);
        // float64 rounding, even through another kernel for another batch size, stays near 1e-16 of outputs below 1; a
        // pixel that reaches an output through a dozen layers still moves it by far more than 1e-12.
        return watched.Where((p, i) => Math.Abs(changed[i, 0, p.Row, p.Column].item<double>() - output[0, 0, p.Row, p.Column].item<double>()) > 1e-12).Count();
    }
}
