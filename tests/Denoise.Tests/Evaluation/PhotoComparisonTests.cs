using Denoise.Data;
using Denoise.Evaluation;
using Denoise.Metrics;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Tests.Evaluation;

[Collection("torch")]
public sealed class PhotoComparisonTests
{
    /// <summary>A smooth grey "photo": a diagonal ramp, so that every filter has something to keep.</summary>
    private static Photo Ramp(string name, int height, int width)
    {
        var file = new PhotoFile(name, name + ".png", name, Split.Test, false, width, height, new string('0', 64), "test");
        var rows = arange(height, ScalarType.Float32).view(-1, 1).div(height);
        var columns = arange(width, ScalarType.Float32).view(1, -1).div(width);
        return new Photo(file, rows.add(columns).mul(0.4f).add(0.1f).unsqueeze(0));
    }

    [Fact]
    public void Every_method_scores_every_photo_at_its_own_size_with_the_photos_own_noise()
    {
        Photo[] photos = [Ramp("a", 30, 44), Ramp("b", 26, 20)];
        var noise = new GaussianNoise(25 / 255.0);
        using var model = new PhotoUNet(seed: 1);

        var comparison = PhotoComparison.Run(photos, noise, seed: 7, [("model", model)]);

        Assert.Equal(["a", "b"], comparison.Photos);
        Assert.Equal([DenoisingComparison.NoisyName, DenoisingComparison.MedianName, DenoisingComparison.BlurName, PhotoComparison.NonLocalMeansName, "model"],
            comparison.Methods.Select(m => m.Method));
        Assert.All(comparison.Methods, m => Assert.Equal(2, m.Report.Count));
        // The second photo's non-local means row is non-local means on that photo with its own noise (test seed + index):
        // the same computation on the same tensors, so equal up to the last printed digits.
        using var clean = photos[1].Image.unsqueeze(1);
        using var noisy = noise.Apply(clean, TrainingData.TestNoiseSeed(7) + 1);
        using var expected = NonLocalMeans.Denoise(noisy);
        Assert.Equal(ImageMetrics.Evaluate(clean, expected).Psnr[0], comparison.Methods[3].Report.Psnr[1], precision: 10);
        Assert.Equal(ImageMetrics.Evaluate(clean, noisy).Psnr[0], comparison.Methods[0].Report.Psnr[1], precision: 10);
        Assert.True(comparison[PhotoComparison.NonLocalMeansName].PsnrDb > comparison[DenoisingComparison.NoisyName].PsnrDb);
        Assert.All(comparison.Rows, r => Assert.Equal("σ = 25/255", r.Noise));
    }

    [Fact]
    public void A_crop_is_the_centre_of_each_photo_and_a_short_side_stays_whole()
    {
        Photo[] photos = [Ramp("a", 30, 44), Ramp("b", 10, 20)];

        var crops = PhotoComparison.Crop(photos, 16);

        Assert.Equal([1L, 16, 16], crops[0].Image.shape);
        Assert.Equal([1L, 10, 16], crops[1].Image.shape);
        Assert.True(crops[0].Image.equal(photos[0].Image.narrow(1, 7, 16).narrow(2, 14, 16)).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => PhotoComparison.Crop(photos, 0));
    }
}
