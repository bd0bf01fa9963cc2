using Denoise.Noise;
using Denoise.Randomness;
using static TorchSharp.torch;

namespace Denoise.Imaging;

/// <summary>
/// Pictures the project makes for trying a model on "your own image" everywhere, without shipping files: digits laid
/// out like a house number on a wider dark canvas, clean and with noise.
/// </summary>
public static class SampleImages
{
    /// <summary>Pixels above and below the tallest digit position, and the most a digit moves up or down.</summary>
    public const int Margin = 6;

    /// <summary>
    /// The digits of <paramref name="digits"/> (N×1×28×28, white on black) side by side as a street number: each moved up
    /// or down by up to <see cref="Margin"/> pixels and set a little closer or farther than its neighbour (seeded), on one
    /// canvas of height 28 + 2·<see cref="Margin"/>, overlaps taking the brighter pixel. Returns 1×H×W in [0, 1].
    /// </summary>
    public static Tensor HouseNumber(Tensor digits, long seed)
    {
        if (digits.dim() != 4 || digits.shape[1] != 1 || digits.shape[0] == 0)
            throw new ArgumentException($"digits must be N x 1 x H x W with N >= 1, got {string.Join(" x ", digits.shape)}", nameof(digits));
        var (count, side, width) = (digits.shape[0], digits.shape[2], digits.shape[3]);
        using var generator = SeededGenerator.Create(seed);
        using var shifts = randint(0, 2 * Margin + 1, [count], generator: generator);
        using var gaps = randint(-6, 3, [count], generator: generator);   // MNIST digits sit in 20 of their 28 columns
        var rows = shifts.data<long>().ToArray();
        var steps = gaps.data<long>().ToArray();
        var total = Margin * 2 + Enumerable.Range(0, (int)count).Sum(i => width + (i == 0 ? 0 : steps[i]));
        var canvas = zeros(1, side + 2 * Margin, total);
        var left = (long)Margin;
        for (var i = 0; i < count; i++)
        {
            left += i == 0 ? 0 : width + steps[i];
            var place = canvas.narrow(1, rows[i], side).narrow(2, left, width);
            place.copy_(maximum(place, digits[i, 0]));
        }
        return canvas;
    }

    /// <summary>
    /// Writes the house number of <paramref name="digits"/> as <paramref name="cleanPath"/> and with <paramref name="noise"/>
    /// as <paramref name="noisyPath"/> (8-bit PNGs, atomically), so that a notebook's "your own image" cell always has one.
    /// </summary>
    public static void WriteHouseNumber(string noisyPath, string cleanPath, Tensor digits, NoiseSpec noise, long seed)
    {
        using var clean = HouseNumber(digits, seed);
        using var noisy = noise.Apply(clean, seed);
        GrayImage.Save(clean, cleanPath);
        GrayImage.Save(noisy, noisyPath);
    }
}
