namespace Denoise.Training;

/// <summary>The text forms of <see cref="Precision"/>: fp32, bf16 and auto, as the command line and model files write them.</summary>
public static class Precisions
{
    /// <summary>The forms <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string ValidForms = "fp32, bf16 (mixed precision: convolutions in bfloat16, weights and losses in fp32) or auto (bf16 where the CPU has native bf16 and a start-up timing shows it faster)";

    /// <summary>"fp32", "bf16" or "auto".</summary>
    public static string Name(Precision precision) => precision switch
    {
        Precision.Float32 => "fp32",
        Precision.BFloat16 => "bf16",
        Precision.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>Reads "fp32", "bf16" or "auto" (case-insensitive).</summary>
    /// <exception cref="FormatException">Another text; the message names it and the valid forms.</exception>
    public static Precision Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var form = text.Trim().ToLowerInvariant();
        return Enum.GetValues<Precision>().Where(p => Name(p) == form).Cast<Precision?>().FirstOrDefault()
            ?? throw new FormatException($"precision '{text}' is not known; use {ValidForms}");
    }
}
