using System.Text.Json;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class DenoisingLossTests
{
    [Theory]
    [InlineData("bce", "bce")]
    [InlineData(" MSE ", "mse")]
    [InlineData("L1", "l1")]
    public void Losses_parse_from_their_text_form_and_print_back(string text, string expected) =>
        Assert.Equal(expected, DenoisingLoss.Parse(text).ToString());

    [Fact]
    public void An_unknown_loss_is_refused_with_the_valid_forms()
    {
        var error = Assert.Throws<FormatException>(() => DenoisingLoss.Parse("ssim"));

        Assert.Equal($"loss 'ssim' is not known; use {DenoisingLoss.ValidForms}", error.Message);
    }

    [Fact]
    public void A_loss_round_trips_through_json_as_its_name()
    {
        var json = JsonSerializer.Serialize(new[] { DenoisingLoss.MeanSquaredError, DenoisingLoss.BinaryCrossEntropy });

        Assert.Equal("""["mse","bce"]""", json);
        Assert.Equal([DenoisingLoss.MeanSquaredError, DenoisingLoss.BinaryCrossEntropy], JsonSerializer.Deserialize<DenoisingLoss[]>(json)!);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DenoisingLoss>("\"hinge\""));
    }

    [Fact]
    public void Each_loss_is_its_textbook_mean_over_pixels()
    {
        // Outputs p and targets y over four pixels, computed here by hand.
        float[] p = [0.2f, 0.9f, 0.5f, 0.7f], y = [0f, 1f, 1f, 0.5f];
        using var output = tensor(p).reshape(1, 1, 2, 2);
        using var target = tensor(y).reshape(1, 1, 2, 2);
        using var logits = (output / (1 - output)).log();

        var mse = p.Zip(y, (a, b) => (a - b) * (a - b)).Average();
        var l1 = p.Zip(y, (a, b) => Math.Abs(a - b)).Average();
        var bce = -p.Zip(y, (a, b) => b * Math.Log(a) + (1 - b) * Math.Log(1 - a)).Average();

        Assert.Equal(mse, DenoisingLoss.MeanSquaredError.Of(output, target).item<float>(), 1e-6);
        Assert.Equal(l1, DenoisingLoss.MeanAbsoluteError.Of(output, target).item<float>(), 1e-6);
        Assert.Equal(bce, DenoisingLoss.BinaryCrossEntropy.Of(output, target).item<float>(), 1e-6);
        Assert.Equal(bce, DenoisingLoss.BinaryCrossEntropy.OfLogits(logits, target).item<float>(), 1e-5);
        Assert.Equal(mse, DenoisingLoss.MeanSquaredError.OfLogits(logits, target).item<float>(), 1e-6);
    }
}
