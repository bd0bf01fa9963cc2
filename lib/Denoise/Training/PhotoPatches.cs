using Denoise.Data;
using Denoise.Noise;
using Denoise.Randomness;
using static TorchSharp.torch;

namespace Denoise.Training;

/// <summary>
/// Training batches cut from photographs: each batch is <see cref="BatchSize"/> square patches of side
/// <see cref="PatchSize"/>, each from a photo drawn uniformly (so a small photo counts as much as a large one), at a
/// uniform position, turned by one of the eight flips and quarter turns of a square, with fresh noise drawn for the
/// batch. Everything a batch draws is seeded by (run seed, epoch, batch): patches from their own stream, the noise with
/// <see cref="RunSeeds.BatchNoise"/> as the digits' fresh noise is, so a batch is the same whenever it is drawn.
/// Only training photos are accepted: the held-out test photos are never learnt from.
/// </summary>
public sealed class PhotoPatches : IBatchSource
{
    /// <summary>The run seed is mixed with this before the patch stream is derived, so patches and noise draw apart.</summary>
    private const long PatchStream = 0x50415443L;   // "PATC"

    /// <summary>The eight symmetries of a square: quarter turns 0-3, then the same after a left-right flip.</summary>
    public const int Symmetries = 8;

    private readonly IReadOnlyList<Photo> photos;

    /// <param name="photos">Training photos, all with the same channels (1 grey or 3 colour), each at least
    /// <paramref name="patchSize"/> on both sides; the caller keeps owning them.</param>
    /// <param name="noise">The noise drawn afresh for every batch; a range (gaussian:0-0.196) gives each patch its own level.</param>
    /// <exception cref="ArgumentException">A photo is a test photo, too small, or has other channels than the rest; a size is not positive.</exception>
    public PhotoPatches(IReadOnlyList<Photo> photos, int patchSize, int batchSize, int batchesPerEpoch, NoiseSpec noise, long seed)
    {
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentNullException.ThrowIfNull(noise);
        if (patchSize < 1 || batchSize < 1 || batchesPerEpoch < 1)
            throw new ArgumentException($"patch size, batch size and batches per epoch must be at least 1, got {patchSize}, {batchSize} and {batchesPerEpoch}");
        if (photos.Count == 0)
            throw new ArgumentException("no photos to cut patches from");
        foreach (var photo in photos)
        {
            if (photo.File.Split != Split.Train)
                throw new ArgumentException($"{photo.Name} is a held-out test photo - train on the training photos only ({string.Join(", ", PhotoCatalog.Part(Split.Train).Select(f => f.Name))})");
            if (photo.Image.dim() != 3 || photo.Image.shape[0] != photos[0].Image.shape[0])
                throw new ArgumentException($"{photo.Name}: photos must all be C x H x W with the same C, got {string.Join(" x ", photo.Image.shape)} after {string.Join(" x ", photos[0].Image.shape)}");
            if (photo.Image.shape[1] < patchSize || photo.Image.shape[2] < patchSize)
                throw new ArgumentException($"{photo.Name}: {photo.Image.shape[2]} x {photo.Image.shape[1]} pixels is smaller than a {patchSize} x {patchSize} patch");
        }

        this.photos = photos;
        (PatchSize, BatchSize, BatchesPerEpoch, Noise, Seed) = (patchSize, batchSize, batchesPerEpoch, noise, seed);
    }

    public int PatchSize { get; }

    public int BatchSize { get; }

    public int BatchesPerEpoch { get; }

    public long ImagesPerEpoch => (long)BatchSize * BatchesPerEpoch;

    public NoiseSpec Noise { get; }

    public long Seed { get; }

    /// <summary>Channels of every patch: 1 for grey photos, 3 for colour.</summary>
    public long Channels => photos[0].Image.shape[0];

    /// <summary>Where each patch of a batch comes from: photo index, top row, left column and symmetry (0-7).</summary>
    public IReadOnlyList<(int Photo, long Top, long Left, int Symmetry)> Draws(int epoch, int batch)
    {
        using var generator = SeededGenerator.Create(RunSeeds.BatchNoise(Seed ^ PatchStream, epoch, batch));
        using var which = randint(0, photos.Count, [BatchSize], generator: generator);
        using var symmetry = randint(0, Symmetries, [BatchSize], generator: generator);
        using var where = rand([BatchSize, 2], ScalarType.Float64, generator: generator);
        var (indices, turns, places) = (which.data<long>().ToArray(), symmetry.data<long>().ToArray(), where.data<double>().ToArray());
        return Enumerable.Range(0, BatchSize).Select(i =>
        {
            var image = photos[(int)indices[i]].Image;
            // Uniform over the positions where the patch fits: floor(u * count), u in [0, 1).
            var top = (long)(places[2 * i] * (image.shape[1] - PatchSize + 1));
            var left = (long)(places[2 * i + 1] * (image.shape[2] - PatchSize + 1));
            return ((int)indices[i], top, left, (int)turns[i]);
        }).ToList();
    }

    public (Tensor Noisy, Tensor Clean) Batch(int epoch, int batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var patches = Draws(epoch, batch).Select(d => Turn(photos[d.Photo].Image.narrow(1, d.Top, PatchSize).narrow(2, d.Left, PatchSize), d.Symmetry)).ToArray();
        var clean = stack(patches).to(ScalarType.Float32);
        var noisy = Noise.Apply(clean, RunSeeds.BatchNoise(Seed, epoch, batch));
        return (noisy.MoveToOuterDisposeScope(), clean.MoveToOuterDisposeScope());
    }

    /// <summary>Symmetry <paramref name="symmetry"/> of a C x P x P patch: that many quarter turns, then a left-right flip from 4 on.</summary>
    public static Tensor Turn(Tensor patch, int symmetry)
    {
        var turned = patch.rot90(symmetry % 4, (1, 2));
        return symmetry >= 4 ? turned.flip(2) : turned;
    }

    /// <summary>
    /// The validation pairs of a run: every whole <paramref name="patchSize"/> x <paramref name="patchSize"/> tile of
    /// each photo, in reading order, with <paramref name="noise"/> drawn once with <see cref="TrainingData.TestNoiseSeed"/>
    /// (so every epoch, and every run with the same seed, validates on the same pairs). Meant for the test photos.
    /// </summary>
    public static (Tensor Noisy, Tensor Clean) Tiles(IReadOnlyList<Photo> photos, int patchSize, NoiseSpec noise, long seed)
    {
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = NewDisposeScope();
        var tiles = new List<Tensor>();
        foreach (var photo in photos)
            for (long top = 0; top + patchSize <= photo.Image.shape[1]; top += patchSize)
                for (long left = 0; left + patchSize <= photo.Image.shape[2]; left += patchSize)
                    tiles.Add(photo.Image.narrow(1, top, patchSize).narrow(2, left, patchSize));
        if (tiles.Count == 0)
            throw new ArgumentException($"no photo has a whole {patchSize} x {patchSize} tile");
        var clean = stack(tiles).to(ScalarType.Float32);
        var noisy = noise.Apply(clean, TrainingData.TestNoiseSeed(seed));
        return (noisy.MoveToOuterDisposeScope(), clean.MoveToOuterDisposeScope());
    }
}
