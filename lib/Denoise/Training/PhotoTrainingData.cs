using Denoise.Data;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// What a photo run trains and validates on: the training photos in grey, from which each run cuts its batches of
/// random patches (<see cref="PhotoPatches"/>, with the run's patch size, batch size, batches per epoch, noise and seed),
/// and as validation pairs the whole <see cref="ValidationTile"/>-pixel tiles of the test photos with the run's noise,
/// drawn once (<see cref="PhotoPatches.Tiles"/>). Disposing it frees the photos and the tiles.
/// </summary>
public sealed class PhotoTrainingData : IRunData
{
    /// <summary>
    /// The side of a validation tile: 44 tiles cover nearly all of the three test photos (0.72 of their 0.75
    /// megapixels), and a tile is large enough for a network to judge its noise level from.
    /// </summary>
    public const int ValidationTile = 128;

    private readonly PhotoSet train;

    /// <param name="train">The photos to cut patches from (training photos only; this object then owns them).</param>
    public PhotoTrainingData(PhotoSet train, Tensor noisyValidation, Tensor cleanValidation)
    {
        ArgumentNullException.ThrowIfNull(train);
        (this.train, NoisyValidation, CleanValidation) = (train, noisyValidation, cleanValidation);
    }

    /// <summary>The training photos.</summary>
    public IReadOnlyList<Photo> Photos => train.Photos;

    public Tensor NoisyValidation { get; }

    public Tensor CleanValidation { get; }

    /// <summary>The training photos in grey and the validation tiles of the test photos with <paramref name="options"/>' noise and seed.</summary>
    /// <param name="folder">The data folder; <see cref="DataFolder.Resolve()"/> if null.</param>
    /// <exception cref="FileNotFoundException">A photo is missing; the message says to run ./denoise data fetch photos.</exception>
    public static PhotoTrainingData Load(TrainingOptions options, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var train = Data.Photos.LoadPart(Split.Train, color: false, folder);
        try
        {
            using var test = Data.Photos.LoadPart(Split.Test, color: false, folder);
            var (noisy, clean) = PhotoPatches.Tiles(test.Photos, ValidationTile, options.Noise, options.Seed);
            return new PhotoTrainingData(train, noisy.DetachFromDisposeScope(), clean.DetachFromDisposeScope());
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>Random patches of the training photos, as <paramref name="options"/> set them out.</summary>
    public IBatchSource Batches(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PhotoPatches(train.Photos, options.PatchSize, options.BatchSize, options.BatchesPerEpoch, options.Noise, options.Seed);
    }

    public void Dispose()
    {
        train.Dispose();
        NoisyValidation.Dispose();
        CleanValidation.Dispose();
    }
}
