namespace Denoise.Models;

/// <summary>
/// Self-ensembling at inference (Timofte, Rothe and Van Gool, 2016: "Seven ways to improve example-based single image
/// super resolution"): the model denoises the image as it is and turned or mirrored, each output is turned back, and the
/// outputs are averaged. It costs as many forward passes as there are views (<see cref="SelfEnsembles.Views"/>).
/// </summary>
public enum SelfEnsemble
{
    /// <summary>One pass on the image as it is.</summary>
    None,

    /// <summary>Four passes: as it is, mirrored left-right, upside down, and both.</summary>
    Flips,

    /// <summary>Eight passes: the four of <see cref="Flips"/>, and each of them turned by 90°.</summary>
    Dihedral,
}
