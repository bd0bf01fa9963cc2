using Denoise.Models;

namespace Denoise.Training;

/// <summary>
/// A training checkpoint: the layout of a <see cref="ModelFile"/> under its own header (weights, with the run's whole
/// <see cref="TrainingOptions"/> and history as metadata), followed by the optimiser's state (Adam's moments and step
/// counts) and, for a run that keeps one, the weight average (its update count and weights), so that <see cref="Resume"/>
/// continues a run exactly where it stopped. Written atomically after every epoch.
/// </summary>
public static class Checkpoint
{
    public const string Magic = "DENOISE-CHECKPOINT\n";

    private static readonly ModelFile.Kind Kind = new(Magic, "checkpoint", "denoise training checkpoint", "start again without --resume", "start again without --resume");

    /// <summary>Writes <paramref name="model"/>'s weights, <paramref name="metadata"/> and then the run's state (<paramref name="state"/>: optimiser, weight average) to <paramref name="path"/> atomically.</summary>
    internal static void Write(string path, Denoiser model, ModelMetadata metadata, Action<BinaryWriter> state) =>
        ModelFile.Write(path, Kind, model, metadata, state);

    /// <summary>Reads what a checkpoint says about its run (architecture, options, epochs done), without its tensors.</summary>
    public static ModelMetadata Read(string path)
    {
        using var file = ModelFile.Open(path, Kind);
        return RunOf(file).Metadata;
    }

    /// <summary>
    /// A trainer (with a new model, which the caller then owns) in the state <paramref name="path"/> was saved in,
    /// ready to continue to <paramref name="epochs"/> (default: the epochs its run planned; with a time budget, those
    /// the budget chose). A run with precision auto chooses again on this machine (<paramref name="probe"/>, default:
    /// this machine's).
    /// </summary>
    public static Trainer Resume(string path, int? epochs = null, PrecisionProbe? probe = null)
    {
        using var file = ModelFile.Open(path, Kind);
        var (metadata, saved) = RunOf(file);
        var options = epochs is { } e ? saved with { Epochs = e } : saved;
        options.Validate();   // a bad new total is the caller's mistake, not a damaged checkpoint
        var model = file.LoadModel();
        Trainer? trainer = null;
        try
        {
            trainer = new Trainer(model, options, metadata.History, probe: probe);
            trainer.LoadRunState(file.Reader);
            return trainer;
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or InvalidDataException or IOException)
        {
            trainer?.Dispose();
            model.Dispose();
            throw ModelFile.Corrupt(path, Kind, ex);
        }
    }

    private static (ModelMetadata Metadata, TrainingOptions Options) RunOf(ModelFile.Opened file) =>
        (file.Metadata, file.Metadata.Training
            ?? throw ModelFile.Corrupt(file.Path, Kind, new InvalidDataException("no training options")));
}
