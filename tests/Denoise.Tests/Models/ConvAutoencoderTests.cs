using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Tests.Models;

[Collection("torch")]
public sealed class ConvAutoencoderTests
{
    [Fact]
    public void Output_is_N_by_1_by_28_by_28_with_values_strictly_between_0_and_1()
    {
        using var model = new ConvAutoencoder(seed: 1);
        using var input = rand(3, 1, 28, 28, generator: new Generator(7));

        using var output = model.call(input);

        Assert.Equal(new long[] { 3, 1, 28, 28 }, output.shape);
        Assert.True(output.min().item<float>() > 0f);
        Assert.True(output.max().item<float>() < 1f);
    }

    [Fact]
    public void Forward_is_the_sigmoid_of_the_logits()
    {
        using var model = new ConvAutoencoder(seed: 2);
        using var input = rand(2, 1, 28, 28, generator: new Generator(3));

        using var output = model.call(input);
        using var logits = model.ForwardLogits(input);
        using var expected = 1 / (1 + (-logits).exp());

        // torch's sigmoid kernel and exp-then-divide round differently: a few float32 ulps of outputs in (0, 1).
        Assert.True(output.allclose(expected, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void Parameter_count_is_12193_as_in_the_Keras_summary()
    {
        using var model = new ConvAutoencoder(seed: 0);

        // 3x3 kernels: in*out*9 + out biases per conv.
        const long expected = (1 * 32 * 9 + 32) + (32 * 16 * 9 + 16) + (16 * 16 * 9 + 16) + (16 * 32 * 9 + 32) + (32 * 1 * 9 + 1);
        Assert.Equal(12_193, expected);
        Assert.Equal(expected, model.ParameterCount);
    }

    [Fact]
    public void Kernels_are_Glorot_uniform_and_biases_are_zero()
    {
        using var model = new ConvAutoencoder(seed: 5);
        // (in, out) channels of the five convs in data-flow order; Glorot limit = sqrt(6 / (9 in + 9 out)).
        var channels = new (int In, int Out)[] { (1, 32), (32, 16), (16, 16), (16, 32), (32, 1) };
        var weights = model.named_parameters().Where(p => p.name.EndsWith("weight")).Select(p => p.parameter).ToList();
        var biases = model.named_parameters().Where(p => p.name.EndsWith("bias")).Select(p => p.parameter).ToList();

        Assert.Equal(5, weights.Count);
        for (var i = 0; i < weights.Count; i++)
        {
            var limit = Math.Sqrt(6.0 / (9 * channels[i].In + 9 * channels[i].Out));
            var maxAbs = weights[i].abs().max().item<float>();
            Assert.True(maxAbs <= limit, $"layer {i}: max |w| {maxAbs} above the Glorot limit {limit}");
            Assert.True(maxAbs > 0.8 * limit, $"layer {i}: max |w| {maxAbs} far below the Glorot limit {limit}; not Glorot?");
            if (weights[i].numel() >= 1000)
            {
                // A uniform on [-a, a] has standard deviation a / sqrt(3).
                var std = weights[i].std().item<float>();
                Assert.InRange(std, 0.9 * limit / Math.Sqrt(3), 1.1 * limit / Math.Sqrt(3));
            }

            Assert.Equal(0f, biases[i].abs().max().item<float>());
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_different_ones()
    {
        using var a = new ConvAutoencoder(seed: 11);
        using var b = new ConvAutoencoder(seed: 11);
        using var c = new ConvAutoencoder(seed: 12);

        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        var pc = c.parameters().ToList();

        Assert.All(pa.Zip(pb), p => Assert.True(p.First.allclose(p.Second, rtol: 0, atol: 0)));
        Assert.False(pa[0].allclose(pc[0], rtol: 0, atol: 0));
    }

    [Fact]
    public void Summary_matches_the_Keras_table()
    {
        using var model = new ConvAutoencoder(seed: 0);

        var summary = model.Summary();

        var expected = new (string Name, string Type, string Shape, long Params)[]
        {
            ("conv2d", "Conv2D", "28x28x32", 320),
            ("max_pooling2d", "MaxPooling2D", "14x14x32", 0),
            ("conv2d_1", "Conv2D", "14x14x16", 4624),
            ("max_pooling2d_1", "MaxPooling2D", "7x7x16", 0),
            ("conv2d_2", "Conv2D", "7x7x16", 2320),
            ("up_sampling2d", "UpSampling2D", "14x14x16", 0),
            ("conv2d_3", "Conv2D", "14x14x32", 4640),
            ("up_sampling2d_1", "UpSampling2D", "28x28x32", 0),
            ("conv2d_4", "Conv2D", "28x28x1", 289),
        };
        Assert.Equal(expected, summary.Layers.Select(l => (l.Name, l.Type, l.ShortShape, l.Parameters)));
        Assert.Equal(12_193, summary.TrainableParameters);
        Assert.Equal(0, summary.NonTrainableParameters);
    }

    [Fact]
    public void Summary_text_has_Keras_rows_and_totals()
    {
        using var model = new ConvAutoencoder(seed: 0);

        var text = model.Summary().ToString();

        Assert.Contains(" conv2d_1 (Conv2D)", text);
        Assert.Contains("(None, 14, 14, 16)", text);
        // 12,193 float32 weights = 48,772 bytes = 47.63 KB, as Keras prints it.
        Assert.Contains("Total params: 12,193 (47.63 KB)", text);
        Assert.Contains("Non-trainable params: 0 (0.00 B)", text);
    }
}
