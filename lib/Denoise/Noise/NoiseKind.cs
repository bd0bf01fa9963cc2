using System.Globalization;

namespace Denoise.Noise;

/// <summary>
/// One kind of noise as the text form names it: "gaussian" with its parameter "sigma", the closed interval
/// [<paramref name="Min"/>, <paramref name="Max"/>] its level must lie in, and the level "gaussian" alone means.
/// </summary>
public sealed record NoiseKind(string Name, string Parameter, double Min, double Max, double Default)
{
    /// <summary>The valid interval as messages write it, e.g. "[0,10]".</summary>
    public string Interval => $"[{Text(Min)},{Text(Max)}]";

    /// <summary>The placeholder of the text form, e.g. "gaussian:SIGMA".</summary>
    public string Form => $"{Name}:{Parameter.ToUpperInvariant()}";

    /// <summary>Returns <paramref name="level"/> if it lies in the interval, else throws a message naming kind, parameter and interval.</summary>
    /// <exception cref="ArgumentException">The level is outside the interval or not a number.</exception>
    public double Check(double level) =>
        level >= Min && level <= Max
            ? level
            : throw new ArgumentException($"{Name} {Parameter} must be in {Interval}, got {Text(level)}");

    /// <summary>A level as the text form writes it: invariant culture, shortest round-trip form.</summary>
    internal static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
