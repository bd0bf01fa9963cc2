using Denoise.Models;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class WeightAverageTests
{
    [Fact]
    public void The_decay_starts_small_and_grows_to_its_limit()
    {
        using var model = new ConvAutoencoder(seed: 1);
        using var average = new WeightAverage(model, decay: 0.5);

        // (1 + n) / (10 + n) after n updates: 0.1, 2/11, 3/12 ..., capped at the decay (0.5 from n = 8 on).
        var decays = new List<double>();
        for (var n = 0; n < 10; n++)
        {
            decays.Add(average.NextDecay);
            average.Update();
        }

        Assert.Equal([0.1, 2 / 11.0, 3 / 12.0, 4 / 13.0, 5 / 14.0, 6 / 15.0, 7 / 16.0, 8 / 17.0, 0.5, 0.5], decays);
        Assert.Equal(10, average.Updates);
    }

    [Fact]
    public void Each_update_moves_the_average_towards_the_weights_by_one_minus_the_decay()
    {
        using var model = new ConvAutoencoder(seed: 1);
        using var average = new WeightAverage(model, decay: 0.999);
        var start = model.parameters().Select(p => p.to_type(ScalarType.Float64)).ToList();

        using (no_grad())
            foreach (var p in model.parameters())
                p.add_(1);
        average.Update();   // decay 0.1: the average is 0.1 w + 0.9 (w + 1) = w + 0.9
        using (no_grad())
            foreach (var p in model.parameters())
                p.add_(1);
        average.Update();   // decay 2/11: (2/11)(w + 0.9) + (9/11)(w + 2) = w + 19.8/11

        // Computed in float32 by the average, in float64 here: a few ulps of weights below 1 and steps of 1.
        foreach (var (averaged, initial) in average.Model.parameters().Zip(start))
            Assert.True(averaged.to_type(ScalarType.Float64).allclose(initial + 19.8 / 11, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void The_average_reads_back_as_it_was_written()
    {
        using var model = new ConvAutoencoder(seed: 1);
        using var average = new WeightAverage(model, decay: 0.9);
        using (no_grad())
            foreach (var p in model.parameters())
                p.mul_(2);
        average.Update();
        using var stream = new MemoryStream();
        average.Save(new BinaryWriter(stream));

        using var other = new ConvAutoencoder(seed: 2);
        using var restored = new WeightAverage(other, decay: 0.9);
        stream.Position = 0;
        restored.Load(new BinaryReader(stream));

        Assert.Equal(1, restored.Updates);
        Assert.All(restored.Model.parameters().Zip(average.Model.parameters()), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.All(restored.Model.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void A_decay_outside_zero_to_one_is_refused()
    {
        using var model = new ConvAutoencoder(seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(model, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(model, 0));
    }
}
