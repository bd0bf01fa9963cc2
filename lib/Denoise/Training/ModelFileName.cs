using Denoise.Data;

namespace Denoise.Training;

/// <summary>
/// The default file name of a trained model, named after what it holds, so that a default never replaces another kind
/// of model: the architecture; <c>-blind</c> for a range of noise levels of the recipe's kind, or the noise itself
/// (<c>-gaussian-0.3</c>, <c>-saltpepper-0.1</c>) when it is not the recipe's; <c>-centred</c> for a model trained
/// without the recipe's augmentation, <c>-augmented</c> for one trained with another; the data set when it is not the
/// recipe's (<c>-fashion</c> for Fashion-MNIST, <c>-mnist</c>, <c>-photos</c>).
/// The command line's <c>train</c> and the notebooks name their models with it.
/// </summary>
public static class ModelFileName
{
    public const string Extension = ".dat";

    /// <summary>The rule in a sentence, for help texts.</summary>
    public const string Rule =
        "<architecture>, then -blind for a noise range, -<noise> for another noise than the recipe's, -centred without the recipe's augmentation, "
        + "-augmented with another, -fashion (Fashion-MNIST), -mnist or -photos for another data set than the recipe's "
        + "(conv-autoencoder.dat, unet.dat, unet-blind.dat, unet-centred.dat, unet-fashion.dat, conv-autoencoder-fashion.dat, photo-unet.dat)";

    /// <summary>
    /// The file name (<c>unet-blind.dat</c>) of a model of <paramref name="architecture"/> trained with
    /// <paramref name="options"/> (default: the architecture's recipe).
    /// </summary>
    /// <exception cref="ArgumentException">The architecture is not registered.</exception>
    public static string For(string architecture, TrainingOptions? options = null)
    {
        var known = Architectures.Get(architecture);
        options ??= known.Recipe;
        var recipeNoise = known.Recipe.Noise;
        string? noise = options.Noise == recipeNoise ? null
            : options.Noise.IsRange && options.Noise.Kind == recipeNoise.Kind ? "blind"
            : options.Noise.ToString().Replace(':', '-');
        string? moved = options.Augmentation == known.Recipe.Augmentation ? null
            : options.Augmentation.IsNone ? "centred"
            : "augmented";
        string? data = options.DataSet == known.Recipe.DataSet ? null : options.DataSet switch
        {
            DataSetKind.Mnist => "mnist",
            DataSetKind.FashionMnist => "fashion",
            var other => other.ToString().ToLowerInvariant(),
        };
        return string.Join('-', new[] { known.Name, noise, moved, data }.OfType<string>()) + Extension;
    }
}
