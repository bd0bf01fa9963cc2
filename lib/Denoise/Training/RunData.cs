using Denoise.Data;

namespace Denoise.Training;

/// <summary>Loads what a run trains on, by its options' <see cref="TrainingOptions.DataSet"/>: digit pairs or photos.</summary>
public static class RunData
{
    /// <summary>
    /// <see cref="PhotoTrainingData.Load"/> for <see cref="DataSetKind.Photos"/>, else <see cref="TrainingData.Load"/>.
    /// </summary>
    /// <param name="dataFolder">The data folder; <see cref="DataFolder.Resolve()"/> if null.</param>
    public static IRunData Load(TrainingOptions options, string? dataFolder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DataSet == DataSetKind.Photos
            ? PhotoTrainingData.Load(options, dataFolder)
            : TrainingData.Load(options, dataFolder);
    }
}
