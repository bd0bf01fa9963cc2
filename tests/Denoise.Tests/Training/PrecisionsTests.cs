using System.Text.Json;
using Denoise.Training;

namespace Denoise.Tests.Training;

public sealed class PrecisionsTests
{
    [Theory]
    [InlineData("fp32", Precision.Float32)]
    [InlineData("BF16", Precision.BFloat16)]
    [InlineData(" auto ", Precision.Auto)]
    public void Each_form_reads_back_and_prints_as_typed(string text, Precision expected)
    {
        Assert.Equal(expected, Precisions.Parse(text));
        Assert.Equal(text.Trim().ToLowerInvariant(), Precisions.Name(expected));
    }

    [Fact]
    public void Another_form_is_refused_with_the_valid_ones()
    {
        var error = Assert.Throws<FormatException>(() => Precisions.Parse("fp16"));

        Assert.StartsWith("precision 'fp16' is not known; use fp32, bf16 (", error.Message);
    }

    [Fact]
    public void Model_files_write_the_text_form_and_files_from_before_the_option_read_as_fp32()
    {
        var json = JsonSerializer.Serialize(new TrainingOptions { Precision = Precision.BFloat16 });
        using var document = JsonDocument.Parse(json);
        Assert.Equal("bf16", document.RootElement.GetProperty("Precision").GetString());
        Assert.Equal(Precision.BFloat16, JsonSerializer.Deserialize<TrainingOptions>(json)!.Precision);

        var older = JsonSerializer.Serialize(new TrainingOptions()).Replace("\"Precision\":\"fp32\",", "");
        Assert.DoesNotContain("Precision", older);
        Assert.Equal(Precision.Float32, JsonSerializer.Deserialize<TrainingOptions>(older)!.Precision);
    }

    [Fact]
    public void The_seed_recipe_stays_fp32_and_the_unet_recipe_chooses()
    {
        Assert.Equal(Precision.Float32, Architectures.Get(Denoise.Models.ConvAutoencoder.ArchitectureName).Recipe.Precision);
        Assert.Equal(Precision.Auto, Architectures.Get(Denoise.Models.UNet.ArchitectureName).Recipe.Precision);
    }
}
