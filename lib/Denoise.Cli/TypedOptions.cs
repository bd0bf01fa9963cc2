using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;

namespace Denoise.Cli;

/// <summary>Options whose values are our own types, parsed once at the command line: a bad value is that option's parse error.</summary>
internal static class TypedOptions
{
    public static Option<DataSetKind> DataSet(string description) =>
        new("--dataset") { Description = description, HelpName = "mnist|fashion-mnist|photos", CustomParser = r => Parse(r, ParseDataSet) };

    public static Option<NoiseSpec> Noise(string description) =>
        new("--noise") { Description = $"{description} Forms: {NoiseSpec.ValidForms}.", CustomParser = r => Parse(r, NoiseSpec.Parse) };

    public static Option<DenoisingLoss> Loss(string description) =>
        new("--loss") { Description = $"{description} One of {DenoisingLoss.ValidForms}.", CustomParser = r => Parse(r, DenoisingLoss.Parse) };

    public static Option<Precision> Precision(string description) =>
        new("--precision") { Description = $"{description} One of {Precisions.ValidForms}.", HelpName = "fp32|bf16|auto", CustomParser = r => Parse(r, Precisions.Parse) };

    public static Option<DigitAugmentation> Augmentation(string description) =>
        new("--augment") { Description = $"{description} Forms: {DigitAugmentation.ValidForms}.", CustomParser = r => Parse(r, DigitAugmentation.Parse) };

    /// <summary>--ensemble, default none; its help states what it costs.</summary>
    public static Option<SelfEnsemble> Ensemble() =>
        new("--ensemble")
        {
            Description = "Self-ensembling: also denoise each image mirrored (flips: 4 passes) or mirrored and turned by 90 degrees (dihedral: 8 passes), turn the outputs back and average them. Costs 4 or 8 times the time of one pass.",
            HelpName = "none|flips|dihedral",
            DefaultValueFactory = _ => SelfEnsemble.None,
            CustomParser = r => Parse(r, SelfEnsembles.Parse),
        };

    public static Option<DigitLayout> Layout(string description) =>
        new("--layout") { Description = description, HelpName = "centred|shifted|strips", CustomParser = r => Parse(r, DigitLayouts.Parse) };

    public static Option<WeightFormat> WeightFormat(string description) =>
        new("--format") { Description = $"{description} One of safetensors, pytorch.", Required = true, CustomParser = r => Parse(r, ParseWeightFormat) };

    public static Option<LearningRateSchedule> Schedule(string description) =>
        new("--schedule") { Description = description, HelpName = "constant|cosine", CustomParser = r => Parse(r, ParseSchedule) };

    /// <summary>
    /// A whole-number option from <paramref name="least"/> to <paramref name="most"/>: the range is stated in its help, and
    /// a value outside it (or not a whole number) is that option's parse error, naming the range.
    /// </summary>
    public static Option<T> Whole<T>(string name, string description, T least, T most) where T : struct, IBinaryInteger<T> =>
        new(name) { Description = $"{description} {Range(least, most)}", CustomParser = r => Parse(r, text => ParseWhole(name, text, least, most)) };

    /// <summary><see cref="Whole"/> for an option that may be left out (null: not given).</summary>
    public static Option<T?> OptionalWhole<T>(string name, string description, T least, T most) where T : struct, IBinaryInteger<T> =>
        new(name) { Description = $"{description} {Range(least, most)}", CustomParser = r => Parse<T?>(r, text => ParseWhole(name, text, least, most)) };

    /// <summary>
    /// A number above <paramref name="above"/> and at most <paramref name="most"/>, finite (NaN and infinity are refused),
    /// checked like <see cref="Whole"/>.
    /// </summary>
    public static Option<double> Real(string name, string description, double above, double most) =>
        new(name) { Description = $"{description} {RealRange(above, most)}", CustomParser = r => Parse(r, text => ParseReal(name, text, above, most)) };

    /// <summary>A number from <paramref name="least"/> (included) to below <paramref name="below"/>, finite, checked like <see cref="Whole"/>.</summary>
    public static Option<double> Fraction(string name, string description, double least, double below) =>
        new(name) { Description = $"{description} From {Number(least)} to below {Number(below)}.", CustomParser = r => Parse(r, text => ParseFraction(name, text, least, below)) };

    /// <summary><see cref="Real"/> for an option that may be left out (null: not given).</summary>
    public static Option<double?> OptionalReal(string name, string description, double above, double most) =>
        new(name) { Description = $"{description} {RealRange(above, most)}", CustomParser = r => Parse<double?>(r, text => ParseReal(name, text, above, most)) };

    private static string Range<T>(T least, T most) where T : IBinaryInteger<T> =>
        string.Create(CultureInfo.InvariantCulture, $"From {least} to {most}.");

    private static string RealRange(double above, double most) => $"Above {Number(above)}, at most {Number(most)}.";

    /// <summary>A number as people write it: 10080, 0.5, 1e10.</summary>
    public static string Number(double value) =>
        value.ToString(Math.Abs(value) >= 1e6 ? "0.###e0" : "0.######", CultureInfo.InvariantCulture);

    private static T ParseWhole<T>(string name, string text, T least, T most) where T : struct, IBinaryInteger<T> =>
        T.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= least && value <= most
            ? value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {least} to {most}, got {text}"));

    private static double ParseReal(string name, string text, double above, double most) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > above && value <= most
            ? value
            : throw new FormatException($"{name} must be a number above {Number(above)} and at most {Number(most)}, got {text}");

    private static double ParseFraction(string name, string text, double least, double below) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= least && value < below
            ? value
            : throw new FormatException($"{name} must be a number from {Number(least)} to below {Number(below)}, got {text}");

    private static LearningRateSchedule ParseSchedule(string text) =>
        Enum.GetValues<LearningRateSchedule>().Where(s => Name(s) == text.Trim().ToLowerInvariant()).Cast<LearningRateSchedule?>().FirstOrDefault()
            ?? throw new FormatException($"--schedule '{text}' is not known; use constant or cosine");

    /// <summary>The command-line name of a schedule: constant or cosine.</summary>
    public static string Name(LearningRateSchedule schedule) => schedule.ToString().ToLowerInvariant();

    /// <summary>
    /// Makes every option of <paramref name="command"/> and its subcommands that takes text (a path, a name) refuse an
    /// empty value when the command line is parsed: "" names no file, and would fail later under a .NET message, or
    /// quietly mean the current folder.
    /// </summary>
    public static void RefuseEmptyText(Command command)
    {
        foreach (var option in command.Options.Where(o => o.ValueType == typeof(string)))
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens is [{ Value: var value }] && string.IsNullOrWhiteSpace(value))
                    result.AddError($"{option.Name} is empty; give a value");
            });
        }
        foreach (var subcommand in command.Subcommands)
            RefuseEmptyText(subcommand);
    }

    /// <summary>The command-line name of a data set: mnist or fashion-mnist.</summary>
    public static string Name(DataSetKind kind) => kind switch
    {
        DataSetKind.Mnist => "mnist",
        DataSetKind.FashionMnist => "fashion-mnist",
        DataSetKind.Photos => "photos",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown data set"),
    };

    private static DataSetKind ParseDataSet(string text) =>
        Enum.GetValues<DataSetKind>().FirstOrDefault(k => Name(k) == text.Trim().ToLowerInvariant(), (DataSetKind)(-1)) is var kind && kind >= 0
            ? kind
            : throw new FormatException($"data set '{text}' is not known; use mnist, fashion-mnist or photos");

    private static WeightFormat ParseWeightFormat(string text) =>
        Enum.GetValues<WeightFormat>().Where(f => PyTorchWeights.Name(f) == text.Trim().ToLowerInvariant()).Cast<WeightFormat?>().FirstOrDefault()
            ?? throw new FormatException($"format '{text}' is not known; use safetensors or pytorch");

    /// <summary>A value read with <paramref name="parse"/>; its FormatException becomes the option's parse error.</summary>
    private static T Parse<T>(ArgumentResult result, Func<string, T> parse)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            result.AddError(e.Message);
            return default!;
        }
    }
}
