using Denoise.Noise;

namespace Denoise.Tests.Noise;

public sealed class NoiseSpecTests
{
    [Theory]
    [InlineData("gaussian:0.5", "gaussian:0.5")]
    [InlineData("saltpepper:0.1", "saltpepper:0.1")]
    [InlineData("poisson:30", "poisson:30")]
    [InlineData("speckle:0.3", "speckle:0.3")]
    [InlineData("  Gaussian : 0.25 ", "gaussian:0.25")]
    [InlineData("gaussian", "gaussian:0.5")]
    [InlineData("saltpepper", "saltpepper:0.1")]
    [InlineData("poisson", "poisson:30")]
    [InlineData("speckle", "speckle:0.3")]
    [InlineData("gaussian:1e-1", "gaussian:0.1")]
    public void Parse_reads_the_text_form_and_ToString_writes_it_back(string text, string expected)
    {
        var spec = NoiseSpec.Parse(text);

        Assert.Equal(expected, spec.ToString());
        Assert.Equal(spec, NoiseSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void Parse_builds_the_matching_record()
    {
        Assert.Equal(new GaussianNoise(0.4), NoiseSpec.Parse("gaussian:0.4"));
        Assert.Equal(new SaltPepperNoise(0.05), NoiseSpec.Parse("saltpepper:0.05"));
        Assert.Equal(new PoissonNoise(12.5), NoiseSpec.Parse("poisson:12.5"));
        Assert.Equal(new SpeckleNoise(0.2), NoiseSpec.Parse("speckle:0.2"));
    }

    [Fact]
    public void A_level_may_be_a_fraction_and_a_bad_fraction_is_no_number()
    {
        Assert.Equal(new GaussianNoise(25 / 255.0), NoiseSpec.Parse("gaussian:25/255"));
        Assert.Equal(new GaussianNoise(0, 50 / 255.0), NoiseSpec.Parse("gaussian:0-50/255"));
        Assert.Equal(new GaussianNoise(5 / 255.0, 50 / 255.0), NoiseSpec.Parse("gaussian:5/255-50/255"));
        foreach (var bad in new[] { "gaussian:25/0", "gaussian:25/", "gaussian:1/2/3", "gaussian:/255" })
            Assert.Contains("is neither a number nor a range", Assert.Throws<FormatException>(() => NoiseSpec.Parse(bad)).Message);
    }

    [Fact]
    public void Gaussian_default_sigma_is_one_half()
    {
        Assert.Equal(0.5, new GaussianNoise().Sigma);
        Assert.Equal(0.5, ((GaussianNoise)NoiseSpec.Parse("gaussian")).Sigma);
    }

    const string Kinds = "gaussian:SIGMA, saltpepper:AMOUNT, poisson:PEAK or speckle:SIGMA";
    const string Forms = Kinds + "; gaussian SIGMA in [0,10], saltpepper AMOUNT in [0,1], poisson PEAK in [1,1000000], speckle SIGMA in [0,10]; "
        + "a range LOW-HIGH such as gaussian:0.1-0.9 gives each image its own level, drawn uniformly; a level may be a fraction such as gaussian:25/255";

    [Fact]
    public void ValidForms_lists_every_kind_with_its_interval_and_the_range_form()
    {
        Assert.Equal(Forms, NoiseSpec.ValidForms);
        Assert.Equal(Kinds, NoiseSpec.KindForms);
    }

    [Theory]
    [InlineData("gausian:0.5", "noise 'gausian:0.5': unknown kind 'gausian'; use " + Forms)]
    [InlineData("", "noise '': no kind given; use " + Forms)]
    [InlineData(":0.5", "noise ':0.5': no kind given; use " + Forms)]
    [InlineData("gaussian:", "noise 'gaussian:': missing value after ':'; use " + Forms)]
    [InlineData("gaussian:abc", "noise 'gaussian:abc': 'abc' is neither a number nor a range LOW-HIGH; use " + Forms)]
    [InlineData("gaussian:0,5", "noise 'gaussian:0,5': '0,5' is neither a number nor a range LOW-HIGH; use " + Forms)]
    [InlineData("saltpepper:1.5", "noise 'saltpepper:1.5': saltpepper amount must be in [0,1], got 1.5")]
    [InlineData("saltpepper:-0.1", "noise 'saltpepper:-0.1': saltpepper amount must be in [0,1], got -0.1")]
    [InlineData("gaussian:-1", "noise 'gaussian:-1': gaussian sigma must be in [0,10], got -1")]
    [InlineData("gaussian:NaN", "noise 'gaussian:NaN': gaussian sigma must be in [0,10], got NaN")]
    [InlineData("poisson:0", "noise 'poisson:0': poisson peak must be in [1,1000000], got 0")]
    [InlineData("poisson:Infinity", "noise 'poisson:Infinity': poisson peak must be in [1,1000000], got Infinity")]
    [InlineData("speckle:-0.3", "noise 'speckle:-0.3': speckle sigma must be in [0,10], got -0.3")]
    [InlineData("gaussian:10.5", "noise 'gaussian:10.5': gaussian sigma must be in [0,10], got 10.5")]
    [InlineData("gaussian:1e300", "noise 'gaussian:1e300': gaussian sigma must be in [0,10], got 1E+300")]
    [InlineData("speckle:1e39", "noise 'speckle:1e39': speckle sigma must be in [0,10], got 1E+39")]
    [InlineData("poisson:0.5", "noise 'poisson:0.5': poisson peak must be in [1,1000000], got 0.5")]
    [InlineData("poisson:1e-300", "noise 'poisson:1e-300': poisson peak must be in [1,1000000], got 1E-300")]
    [InlineData("poisson:1e20", "noise 'poisson:1e20': poisson peak must be in [1,1000000], got 1E+20")]
    [InlineData("poisson:1000001", "noise 'poisson:1000001': poisson peak must be in [1,1000000], got 1000001")]
    public void Bad_specs_and_levels_outside_their_interval_are_rejected_with_a_message_naming_the_spec(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => NoiseSpec.Parse(text));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("gaussian:0")]
    [InlineData("gaussian:10")]
    [InlineData("speckle:10")]
    [InlineData("saltpepper:1")]
    [InlineData("poisson:1")]
    [InlineData("poisson:1000000")]
    public void The_ends_of_each_interval_are_valid(string text)
    {
        Assert.Equal(text, NoiseSpec.Parse(text).ToString());
    }

    [Fact]
    public void TryParse_returns_false_for_a_bad_spec_and_true_for_a_good_one()
    {
        Assert.False(NoiseSpec.TryParse("gaussian:x", out var bad));
        Assert.Null(bad);
        Assert.True(NoiseSpec.TryParse("speckle:0.1", out var good));
        Assert.Equal(new SpeckleNoise(0.1), good);
    }

    [Fact]
    public void Constructors_validate_the_parameter()
    {
        Assert.Throws<ArgumentException>(() => new SaltPepperNoise(2));
        Assert.Throws<ArgumentException>(() => new PoissonNoise(-1));
        Assert.Throws<ArgumentException>(() => new GaussianNoise(0.5, upTo: 0.4));
    }
}
