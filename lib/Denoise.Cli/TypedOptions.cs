using System.CommandLine;
using System.CommandLine.Parsing;
using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;

namespace Denoise.Cli;

/// <summary>Options whose values are our own types, parsed once at the command line: a bad value is that option's parse error.</summary>
internal static class TypedOptions
{
    public static Option<DataSetKind> DataSet(string description) =>
        new("--dataset") { Description = description, HelpName = "mnist|fashion-mnist", CustomParser = r => Parse(r, ParseDataSet) };

    public static Option<NoiseSpec> Noise(string description) =>
        new("--noise") { Description = $"{description} Forms: {NoiseSpec.ValidForms}.", CustomParser = r => Parse(r, NoiseSpec.Parse) };

    public static Option<DenoisingLoss> Loss(string description) =>
        new("--loss") { Description = $"{description} One of {DenoisingLoss.ValidForms}.", CustomParser = r => Parse(r, DenoisingLoss.Parse) };

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

    /// <summary>The command-line name of a data set: mnist or fashion-mnist.</summary>
    public static string Name(DataSetKind kind) => kind switch
    {
        DataSetKind.Mnist => "mnist",
        DataSetKind.FashionMnist => "fashion-mnist",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown data set"),
    };

    private static DataSetKind ParseDataSet(string text) =>
        Enum.GetValues<DataSetKind>().FirstOrDefault(k => Name(k) == text.Trim().ToLowerInvariant(), (DataSetKind)(-1)) is var kind && kind >= 0
            ? kind
            : throw new FormatException($"data set '{text}' is not known; use mnist or fashion-mnist");

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
