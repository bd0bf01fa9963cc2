namespace Denoise.Data;

/// <summary>Equal-width bins: the centre of each bin and the fraction of all values that fell in it.</summary>
public sealed record Histogram(IReadOnlyList<double> BinCenters, IReadOnlyList<double> Fractions);
