using System.Text.Json;
using Denoise.Models;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class DenoisingLossTests
{
    [Theory]
    [InlineData("bce", "bce")]
    [InlineData(" MSE ", "mse")]
    [InlineData("L1", "l1")]
    [InlineData("mse+ssim:0.05", "mse+ssim:0.05")]
    [InlineData(" MSE+SSIM:1e-1 ", "mse+ssim:0.1")]
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

        // float32 losses of values in [0, 1] against the same in doubles: a few ulps (1e-7); through logits, BCE's log of a
        // sigmoid of a log loses a little more.
        Assert.Equal(mse, DenoisingLoss.MeanSquaredError.Of(output, target).item<float>(), 1e-6);
        Assert.Equal(l1, DenoisingLoss.MeanAbsoluteError.Of(output, target).item<float>(), 1e-6);
        Assert.Equal(bce, DenoisingLoss.BinaryCrossEntropy.Of(output, target).item<float>(), 1e-6);
        Assert.Equal(bce, DenoisingLoss.BinaryCrossEntropy.OfLogits(logits, target).item<float>(), 1e-5);
        Assert.Equal(mse, DenoisingLoss.MeanSquaredError.OfLogits(logits, target).item<float>(), 1e-6);
    }

    [Theory]
    [InlineData("mse+ssim:0")]
    [InlineData("mse+ssim:-1")]
    [InlineData("mse+ssim:11")]
    [InlineData("mse+ssim:abc")]
    [InlineData("mse+ssim:")]
    public void An_ssim_weight_outside_its_interval_is_refused_by_name(string text)
    {
        var error = Assert.Throws<FormatException>(() => DenoisingLoss.Parse(text));

        Assert.StartsWith($"loss '{text}': the SSIM weight must be a number in (0, 10]", error.Message);
    }

    [Fact]
    public void Mse_plus_ssim_is_the_mse_plus_the_weight_times_one_minus_the_scikit_image_ssim()
    {
        using var clean = (rand(4, 1, 28, 28, generator: new TorchSharp.torch.Generator(1)) > 0.7).to_type(ScalarType.Float32);
        using var output = (clean + 0.2 * randn(4, 1, 28, 28, generator: new TorchSharp.torch.Generator(2))).clamp(0, 1);
        var loss = DenoisingLoss.Parse("mse+ssim:0.5");

        using var value = loss.Of(output, clean);

        // The measurement (float64, checked against scikit-image) gives the expected value.
        var mse = Denoise.Metrics.ImageMetrics.Mse(clean, output).mean().item<double>();
        var ssim = Denoise.Metrics.ImageMetrics.Ssim(clean, output).mean().item<double>();
        // The loss runs in float32 (convolutions for SSIM's windows), the measurement in float64: 1e-5 of a value near 0.1.
        Assert.Equal(mse + 0.5 * (1 - ssim), value.item<float>(), 1e-5);
        Assert.False(loss.IsPixelwise);
    }

    [Fact]
    public void Mse_plus_ssim_has_gradients_and_falls_when_the_output_nears_the_target()
    {
        using var clean = (rand(2, 1, 28, 28, generator: new TorchSharp.torch.Generator(3)) > 0.7).to_type(ScalarType.Float32);
        using var output = (clean + 0.3 * randn(2, 1, 28, 28, generator: new TorchSharp.torch.Generator(4))).clamp(0, 1).requires_grad_();
        var loss = DenoisingLoss.MeanSquaredErrorAndSsim(0.1);

        using var value = loss.Of(output, clean);
        value.backward();
        using var closer = (output - 0.5 * (output - clean)).detach();

        Assert.True(output.grad!.abs().sum().item<float>() > 0);
        Assert.True(loss.Of(closer, clean).item<float>() < value.item<float>());
    }
}
