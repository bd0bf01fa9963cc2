namespace Denoise.Training;

/// <summary>
/// A <see cref="TrainingOptions"/> setting that cannot work: which one (<see cref="Setting"/>, the property's name) and
/// why, so that a front end can name the option the user typed (the CLI says "--epochs", not "Epochs").
/// </summary>
public sealed class InvalidTrainingOptionException(string setting, string problem)
    : ArgumentException($"{setting} {problem}")
{
    /// <summary>The name of the <see cref="TrainingOptions"/> property, e.g. "Epochs".</summary>
    public string Setting { get; } = setting;

    /// <summary>What is wrong with its value, e.g. "must be at least 1, got 0".</summary>
    public string Problem { get; } = problem;
}
