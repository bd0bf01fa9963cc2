using Denoise.Models;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class SelfEnsembleTests
{
    /// <summary>Images with no symmetry of their own: every pixel a different value.</summary>
    private static Tensor Asymmetric(int count, int height, int width) =>
        arange(count * height * width, ScalarType.Float32).div_(count * height * width).reshape(count, 1, height, width);

    [Theory]
    [InlineData("none", SelfEnsemble.None, 1)]
    [InlineData("Flips", SelfEnsemble.Flips, 4)]
    [InlineData(" DIHEDRAL", SelfEnsemble.Dihedral, 8)]
    public void Ensembles_are_read_by_name_and_cost_their_views(string text, SelfEnsemble expected, int views)
    {
        Assert.Equal(expected, SelfEnsembles.Parse(text));
        Assert.Equal(views, expected.Views());
        Assert.Equal(text.Trim().ToLowerInvariant(), SelfEnsembles.Name(expected));
    }

    [Fact]
    public void An_unknown_ensemble_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<FormatException>(() => SelfEnsembles.Parse("rotations"));

        Assert.Equal("self-ensemble 'rotations' is not known; use none, flips or dihedral", error.Message);
    }

    [Fact]
    public void The_eight_views_are_the_eight_symmetries_of_the_square_and_each_is_undone()
    {
        using var image = Asymmetric(1, 4, 4);
        var views = Enumerable.Range(0, 8).Select(v => SelfEnsembles.View(image, v)).ToList();

        // All different (an asymmetric image has 8 distinct images under the dihedral group), each undone exactly.
        for (var a = 0; a < 8; a++)
        {
            Assert.True(SelfEnsembles.Unview(views[a], a).eq(image).all().item<bool>(), $"view {a} is not undone");
            for (var b = a + 1; b < 8; b++)
                Assert.False(views[a].eq(views[b]).all().item<bool>(), $"views {a} and {b} are the same");
        }
        // View 5 transposes then mirrors left-right: a turn by 90 degrees (rot90 takes (i, j) to (n - 1 - j, i)).
        Assert.True(views[5].eq(image.rot90(1, (3, 2))).all().item<bool>());
    }

    [Theory]
    [InlineData(SelfEnsemble.Flips, new[] { 1, 2, 3 })]
    [InlineData(SelfEnsemble.Dihedral, new[] { 1, 2, 3, 4, 5, 6, 7 })]
    public void An_ensembled_model_treats_a_mirrored_or_turned_image_as_the_mirrored_or_turned_result(SelfEnsemble ensemble, int[] symmetries)
    {
        // Whatever the model, averaging over a group of symmetries makes it commute with them: E(T x) = T E(x). The
        // images are 8 x 12, a multiple of the model's size (no padding, which sits on one side only).
        using var model = new ConvAutoencoder(seed: 7);
        using var images = Asymmetric(2, 8, 12);

        using var ensembled = ImageDenoiser.Denoise(model, images, ensemble: ensemble);

        foreach (var symmetry in symmetries)
        {
            using var ofView = ImageDenoiser.Denoise(model, SelfEnsembles.View(images, symmetry), ensemble: ensemble);
            // The same eight outputs summed in another order, some through kernels for other shapes: float32 rounding.
            Assert.True(ofView.allclose(SelfEnsembles.View(ensembled, symmetry), rtol: 1e-5, atol: 1e-6), $"symmetry {symmetry}");
        }
        using var plain = ImageDenoiser.Denoise(model, images);
        Assert.False(plain.allclose(ensembled, rtol: 1e-3, atol: 1e-4), "the plain model already commutes: the test would prove nothing");
    }

    [Fact]
    public void An_ensemble_keeps_the_input_shape_and_the_output_range()
    {
        using var model = new ConvAutoencoder(seed: 7);
        using var image = Asymmetric(1, 13, 10).squeeze(0);   // 1 x 13 x 10: one image, odd sizes, padded inside each view

        using var denoised = ImageDenoiser.Denoise(model, image, ensemble: SelfEnsemble.Dihedral);

        Assert.Equal(image.shape, denoised.shape);
        Assert.True(denoised.gt(0).all().item<bool>() && denoised.lt(1).all().item<bool>());
    }
}
