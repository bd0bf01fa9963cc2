using static TorchSharp.torch;

namespace Denoise.Models;

/// <summary>The views of a <see cref="SelfEnsemble"/>, their inverses, and the names the command line uses.</summary>
public static class SelfEnsembles
{
    /// <summary>The names <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string ValidNames = "none, flips or dihedral";

    /// <summary>The forward passes per image: 1, 4 or 8.</summary>
    public static int Views(this SelfEnsemble ensemble) => ensemble switch
    {
        SelfEnsemble.None => 1,
        SelfEnsemble.Flips => 4,
        SelfEnsemble.Dihedral => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(ensemble), ensemble, "unknown self-ensemble"),
    };

    public static string Name(SelfEnsemble ensemble) => ensemble switch
    {
        SelfEnsemble.None => "none",
        SelfEnsemble.Flips => "flips",
        SelfEnsemble.Dihedral => "dihedral",
        _ => throw new ArgumentOutOfRangeException(nameof(ensemble), ensemble, "unknown self-ensemble"),
    };

    /// <exception cref="FormatException">Another text; the message names it and the valid names.</exception>
    public static SelfEnsemble Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var form = text.Trim().ToLowerInvariant();
        foreach (var ensemble in Enum.GetValues<SelfEnsemble>())
            if (Name(ensemble) == form)
                return ensemble;
        throw new FormatException($"self-ensemble '{text}' is not known; use {ValidNames}");
    }

    /// <summary>
    /// View <paramref name="view"/> (0 to 7) of N × C × H × W images: bit 2 transposes height and width (with the flips,
    /// a turn by 90°), bit 0 mirrors left-right, bit 1 upside down. View 0 is the images themselves.
    /// </summary>
    internal static Tensor View(Tensor images, int view)
    {
        var turned = (view & 4) != 0 ? images.transpose(2, 3) : images;
        var flips = Flips(view);
        return flips.Length == 0 ? turned : turned.flip(flips);
    }

    /// <summary>Undoes <see cref="View"/>: the same mirrors, then the transpose.</summary>
    internal static Tensor Unview(Tensor images, int view)
    {
        var flips = Flips(view);
        var unflipped = flips.Length == 0 ? images : images.flip(flips);
        return (view & 4) != 0 ? unflipped.transpose(2, 3) : unflipped;
    }

    private static long[] Flips(int view) => ((view & 1) != 0, (view & 2) != 0) switch
    {
        (true, true) => [2, 3],
        (true, false) => [3],
        (false, true) => [2],
        _ => [],
    };
}
