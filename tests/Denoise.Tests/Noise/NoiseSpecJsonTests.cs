using System.Text.Json;
using Denoise.Noise;

namespace Denoise.Tests.Noise;

public sealed class NoiseSpecJsonTests
{
    sealed record Recipe(NoiseSpec Noise, int Epochs);

    sealed record GaussianRecipe(GaussianNoise Noise);

    [Theory]
    [InlineData("gaussian:0.5")]
    [InlineData("saltpepper:0.1")]
    [InlineData("poisson:30")]
    [InlineData("speckle:0.3")]
    [InlineData("gaussian:0.1-0.9")]
    public void A_spec_is_written_as_its_text_form_and_read_back(string text)
    {
        var recipe = new Recipe(NoiseSpec.Parse(text), 20);

        var json = JsonSerializer.Serialize(recipe);

        Assert.Equal($"{{\"Noise\":\"{text}\",\"Epochs\":20}}", json);
        Assert.Equal(recipe, JsonSerializer.Deserialize<Recipe>(json));
    }

    [Fact]
    public void A_property_of_one_kind_is_written_and_read_the_same_way()
    {
        var recipe = new GaussianRecipe(new GaussianNoise(0.25));

        var json = JsonSerializer.Serialize(recipe);

        Assert.Equal("{\"Noise\":\"gaussian:0.25\"}", json);
        Assert.Equal(recipe, JsonSerializer.Deserialize<GaussianRecipe>(json));
        Assert.Equal("\"speckle:0.1\"", JsonSerializer.Serialize(new SpeckleNoise(0.1)));
    }

    [Theory]
    [InlineData("{\"Noise\":\"gaussian:11\",\"Epochs\":1}", "noise 'gaussian:11': gaussian sigma must be in [0,10], got 11")]
    [InlineData("{\"Noise\":\"gausian:0.5\",\"Epochs\":1}", "noise 'gausian:0.5': unknown kind 'gausian'")]
    [InlineData("{\"Noise\":\"gaussian:0.9-0.1\",\"Epochs\":1}", "noise 'gaussian:0.9-0.1': a range LOW-HIGH needs LOW below HIGH")]
    [InlineData("{\"Noise\":0.5,\"Epochs\":1}", "a noise spec is a string such as \"gaussian:0.5\", found Number")]
    public void A_bad_spec_in_json_throws_a_JsonException_that_says_why(string json, string problem)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Recipe>(json));

        Assert.StartsWith(problem, error.Message);
    }

    [Fact]
    public void A_spec_of_another_kind_than_the_property_is_rejected()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<GaussianRecipe>("{\"Noise\":\"poisson:30\"}"));

        Assert.StartsWith("noise 'poisson:30': a poisson spec where a GaussianNoise was expected", error.Message);
    }
}
