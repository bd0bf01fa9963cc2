using System.CommandLine;
using System.Globalization;
using Denoise.Training;

namespace Denoise.Cli;

/// <summary>
/// A command-line option that sets one <see cref="TrainingOptions"/> setting: typed get and set, so that a run's options
/// are built from the command line and compared with a checkpoint's without looking properties up by name.
/// </summary>
internal abstract record TrainSetting(Option Option, string Property)
{
    /// <summary>True when the user typed the option (not only its default).</summary>
    public bool IsGiven(ParseResult parsed) => parsed.GetResult(Option) is { Implicit: false };

    /// <summary><paramref name="options"/> with this setting taken from the command line.</summary>
    public abstract TrainingOptions Apply(ParseResult parsed, TrainingOptions options);

    /// <summary>The setting's value in <paramref name="options"/>, as the user would type it.</summary>
    public abstract string Show(TrainingOptions options);

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> agree on this setting.</summary>
    public abstract bool Same(TrainingOptions a, TrainingOptions b);
}

/// <summary>A <see cref="TrainSetting"/> of type <typeparamref name="T"/>.</summary>
internal sealed record TrainSetting<T>(Option<T> Typed, string Property, Func<TrainingOptions, T> Get, Func<TrainingOptions, T, TrainingOptions> Set)
    : TrainSetting(Typed, Property)
{
    public override TrainingOptions Apply(ParseResult parsed, TrainingOptions options) => Set(options, parsed.GetValue(Typed)!);

    public override string Show(TrainingOptions options) => Get(options) switch
    {
        null => "none",
        Data.DataSetKind kind => TypedOptions.Name(kind),
        LearningRateSchedule schedule => TypedOptions.Name(schedule),
        Precision precision => Precisions.Name(precision),
        var value => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "none",
    };

    public override bool Same(TrainingOptions a, TrainingOptions b) => EqualityComparer<T>.Default.Equals(Get(a), Get(b));
}
