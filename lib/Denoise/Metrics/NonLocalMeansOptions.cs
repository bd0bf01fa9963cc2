namespace Denoise.Metrics;

/// <summary>
/// The settings of <see cref="NonLocalMeans"/>, named and scaled as scikit-image's <c>denoise_nl_means</c> names them
/// (grey levels in [0, 1]).
/// </summary>
/// <param name="H">Cut-off distance: the larger, the more dissimilar patches are still averaged (and the smoother the result).</param>
/// <param name="Sigma">The noise's standard deviation; when above 0, the distance its variance adds is taken off every patch distance.</param>
/// <param name="PatchSize">The side of the patches compared (an even size is made odd, as scikit-image does).</param>
/// <param name="PatchDistance">How far, in pixels along each axis, the patches averaged into a pixel may lie.</param>
public sealed record NonLocalMeansOptions(double H, double Sigma = 0, int PatchSize = 5, int PatchDistance = 6)
{
    /// <summary>scikit-image's starting point for the fast algorithm with a known noise level: h = 0.8 σ.</summary>
    public const double HPerSigma = 0.8;

    /// <summary>The settings for noise of standard deviation <paramref name="sigma"/>: h = 0.8 σ, 5 x 5 patches, distance 6.</summary>
    public static NonLocalMeansOptions ForSigma(double sigma) => new(HPerSigma * sigma, sigma);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (!(H > 0) || !double.IsFinite(H))
            throw new ArgumentException($"non-local means: h must be a positive number, got {H}");
        if (!(Sigma >= 0) || !double.IsFinite(Sigma))
            throw new ArgumentException($"non-local means: sigma must be 0 or more, got {Sigma}");
        if (PatchSize is < 1 or > 63)
            throw new ArgumentException($"non-local means: the patch size must be from 1 to 63 pixels, got {PatchSize}");
        if (PatchDistance is < 0 or > 63)
            throw new ArgumentException($"non-local means: the patch distance must be from 0 to 63 pixels, got {PatchDistance}");
    }
}
