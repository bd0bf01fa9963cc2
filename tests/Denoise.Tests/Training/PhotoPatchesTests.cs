using Denoise.Data;
using Denoise.Noise;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class PhotoPatchesTests
{
    private static readonly NoiseSpec Blind = new GaussianNoise(0, 50 / 255.0);

    /// <summary>A training "photo" whose every pixel value is unique: (offset + row * width + column) / scale.</summary>
    private static Photo Numbered(string name, int height, int width, int offset, int channels = 1)
    {
        var file = new PhotoFile(name, name + ".png", name, Split.Train, channels == 3, width, height, new string('0', 64), "test");
        var values = arange(offset, offset + height * width, ScalarType.Float64).div(1e6).reshape(1, height, width);
        return new Photo(file, values.expand(channels, height, width).to(ScalarType.Float32).contiguous());
    }

    /// <summary>Equal shapes and equal values, bit for bit.</summary>
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static List<Photo> ThreePhotos() => [Numbered("a", 40, 50, 0), Numbered("b", 20, 20, 100_000), Numbered("c", 64, 33, 200_000)];

    [Fact]
    public void A_batch_is_noisy_and_clean_patches_of_the_photos_channels()
    {
        using var train = Photos.LoadPart(Split.Train, color: true);
        var patches = new PhotoPatches(train.Photos, patchSize: 48, batchSize: 16, batchesPerEpoch: 5, Blind, seed: 1);

        var (noisy, clean) = patches.Batch(1, 0);

        Assert.Equal([16L, 3, 48, 48], clean.shape);
        Assert.Equal(clean.shape, noisy.shape);
        Assert.Equal(ScalarType.Float32, noisy.dtype);
        Assert.True(clean.min().item<float>() >= 0 && clean.max().item<float>() <= 1);
        Assert.True(noisy.sub(clean).abs().max().item<float>() > 0.05f);
        Assert.Equal(80, patches.ImagesPerEpoch);
        Assert.Equal(3, patches.Channels);
    }

    [Fact]
    public void Every_patch_is_a_whole_square_crop_of_one_photo_turned_or_flipped()
    {
        var photos = ThreePhotos();
        var patches = new PhotoPatches(photos, patchSize: 8, batchSize: 32, batchesPerEpoch: 1, Blind, seed: 5);

        var (_, clean) = patches.Batch(1, 0);

        for (var i = 0; i < 32; i++)
        {
            // The smallest value names the photo and the crop's top-left pixel (values grow along rows and columns),
            // whatever the symmetry; the crop's 64 values must then be exactly the patch's 64 values.
            var values = clean[i, 0].to(ScalarType.Float64).mul(1e6).round().to(ScalarType.Int64).flatten().data<long>().ToArray();
            var first = values.Min();
            var photo = photos[(int)(first / 100_000)];
            var (width, local) = (photo.Image.shape[2], first % 100_000);
            using var crop = photo.Image[0].narrow(0, local / width, 8).narrow(1, local % width, 8);
            var expected = crop.to(ScalarType.Float64).mul(1e6).round().to(ScalarType.Int64).flatten().data<long>().ToArray();
            Assert.Equal(expected.Order(), values.Order());
        }
    }

    [Fact]
    public void The_same_epoch_and_batch_give_the_same_pairs_in_any_order_and_any_instance()
    {
        var photos = ThreePhotos();
        var first = new PhotoPatches(photos, 8, 16, 4, Blind, seed: 7);
        var second = new PhotoPatches(photos, 8, 16, 4, Blind, seed: 7);

        var (noisyLate, cleanLate) = first.Batch(3, 2);
        _ = first.Batch(1, 0);
        var (noisyAgain, cleanAgain) = first.Batch(3, 2);
        var (noisyOther, cleanOther) = second.Batch(3, 2);

        Assert.True(Same(cleanLate, cleanAgain) && Same(cleanLate, cleanOther));
        Assert.True(Same(noisyLate, noisyAgain) && Same(noisyLate, noisyOther));
    }

    [Fact]
    public void A_resumed_run_draws_the_batches_the_whole_run_would_have()
    {
        var photos = ThreePhotos();
        var whole = new PhotoPatches(photos, 8, 8, 3, Blind, seed: 11);
        var wholeRun = Enumerable.Range(1, 3).SelectMany(e => Enumerable.Range(0, 3).Select(b => whole.Batch(e, b))).ToList();

        // A new process resuming after epoch 2 makes a new source from the same settings and starts at epoch 3.
        var resumed = new PhotoPatches(photos, 8, 8, 3, Blind, seed: 11);
        var third = Enumerable.Range(0, 3).Select(b => resumed.Batch(3, b)).ToList();

        for (var b = 0; b < 3; b++)
        {
            Assert.True(Same(wholeRun[6 + b].Noisy, third[b].Noisy));
            Assert.True(Same(wholeRun[6 + b].Clean, third[b].Clean));
        }
    }

    [Fact]
    public void Batches_epochs_and_seeds_each_draw_their_own_patches_and_noise()
    {
        var photos = ThreePhotos();
        var patches = new PhotoPatches(photos, 8, 16, 4, Blind, seed: 7);
        var other = new PhotoPatches(photos, 8, 16, 4, Blind, seed: 8);

        var reference = patches.Batch(2, 1);
        foreach (var (noisy, clean) in new[] { patches.Batch(2, 2), patches.Batch(3, 1), other.Batch(2, 1) })
        {
            Assert.False(Same(clean, reference.Clean));
            Assert.False(Same(noisy.sub(clean), reference.Noisy.sub(reference.Clean)));
        }
    }

    [Fact]
    public void Photos_symmetries_and_positions_are_drawn_uniformly()
    {
        var photos = ThreePhotos();
        var patches = new PhotoPatches(photos, 8, 64, 100, Blind, seed: 3);

        var draws = Enumerable.Range(0, 100).SelectMany(b => patches.Draws(1, b)).ToList();

        // 6,400 draws: a count of a share p has standard deviation sqrt(6400 p (1 - p)); 5 of them are a generous margin.
        void Uniform(IEnumerable<int> values, int kinds)
        {
            var counts = values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
            var (mean, spread) = (6400.0 / kinds, 5 * Math.Sqrt(6400.0 / kinds * (1 - 1.0 / kinds)));
            Assert.Equal(kinds, counts.Count);
            Assert.All(counts.Values, c => Assert.InRange(c, mean - spread, mean + spread));
        }

        Uniform(draws.Select(d => d.Photo), 3);
        Uniform(draws.Select(d => d.Symmetry), PhotoPatches.Symmetries);
        // The 20 x 20 photo has 13 positions per axis: both edges are reached.
        var small = draws.Where(d => d.Photo == 1).ToList();
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (long)i), small.Select(d => d.Top).Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (long)i), small.Select(d => d.Left).Distinct().Order());
    }

    [Fact]
    public void The_eight_symmetries_of_a_patch_are_eight_different_arrangements()
    {
        using var patch = arange(9, ScalarType.Float32).reshape(1, 3, 3);

        var arrangements = Enumerable.Range(0, PhotoPatches.Symmetries)
            .Select(s => string.Join(",", PhotoPatches.Turn(patch, s).contiguous().data<float>().ToArray())).ToList();

        Assert.Equal(8, arrangements.Distinct().Count());
        Assert.Equal("2,5,8,1,4,7,0,3,6", arrangements[1]);   // a quarter turn anticlockwise: the right column on top
        Assert.Equal("2,1,0,5,4,3,8,7,6", arrangements[4]);   // a left-right flip
    }

    [Fact]
    public void Blind_noise_gives_each_patch_its_own_level_within_the_range()
    {
        var flat = new Photo(new PhotoFile("grey", "grey.png", "grey", Split.Train, false, 64, 64, new string('0', 64), "test"), full([1, 64, 64], 0.5f));
        var patches = new PhotoPatches([flat], 32, 64, 1, Blind, seed: 2);

        var (noisy, clean) = patches.Batch(1, 0);

        // On mid-grey, noise of at most 50/255 = 0.196 is clipped in 1 pixel of 10^4 or fewer: the spread is the level,
        // measured on 1,024 pixels to about 2.2 % (1 / sqrt(2 · 1024)); 10 % above the top level is 4.5 of those.
        var spread = noisy.sub(clean).flatten(1).std(1).data<float>().ToArray();
        Assert.All(spread, s => Assert.InRange(s, 0, 50 / 255.0 * 1.1));
        Assert.True(spread.Max() - spread.Min() > 0.1, "levels should spread over the range");
    }

    [Fact]
    public void A_test_photo_is_refused()
    {
        using var test = Photos.LoadPart(Split.Test);

        var e = Assert.Throws<ArgumentException>(() => new PhotoPatches(test.Photos, 48, 16, 1, Blind, seed: 1));

        Assert.StartsWith("astronaut is a held-out test photo - train on the training photos only (brick, chelsea,", e.Message);
    }

    [Fact]
    public void Photos_smaller_than_a_patch_or_of_mixed_channels_are_refused()
    {
        var small = Assert.Throws<ArgumentException>(() => new PhotoPatches([Numbered("a", 40, 50, 0)], 48, 16, 1, Blind, seed: 1));
        var mixed = Assert.Throws<ArgumentException>(() => new PhotoPatches([Numbered("a", 40, 50, 0), Numbered("b", 40, 50, 0, channels: 3)], 8, 16, 1, Blind, seed: 1));

        Assert.Equal("a: 50 x 40 pixels is smaller than a 48 x 48 patch", small.Message);
        Assert.Equal("b: photos must all be C x H x W with the same C, got 3 x 40 x 50 after 1 x 40 x 50", mixed.Message);
    }

    [Fact]
    public void Validation_tiles_cover_each_photo_in_whole_tiles_with_the_test_noise()
    {
        var photos = ThreePhotos();

        var (noisy, clean) = PhotoPatches.Tiles(photos, 16, Blind, seed: 4);
        var (again, _) = PhotoPatches.Tiles(photos, 16, Blind, seed: 4);

        // 40 x 50: 2 x 3 tiles; 20 x 20: 1; 64 x 33: 4 x 2.
        Assert.Equal([15L, 1, 16, 16], clean.shape);
        Assert.True(Same(clean[1], photos[0].Image.narrow(1, 0, 16).narrow(2, 16, 16)));
        Assert.True(Same(noisy, again));
        Assert.True(Same(noisy, Blind.Apply(clean, TrainingData.TestNoiseSeed(4))));
    }
}
