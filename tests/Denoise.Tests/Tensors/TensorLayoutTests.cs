using Denoise.Tensors;
using static TorchSharp.torch;

namespace Denoise.Tests.Tensors;

[Collection("torch")]
public sealed class TensorLayoutTests
{
    [Fact]
    public void Channels_last_keeps_shape_and_values_and_stores_channels_innermost()
    {
        using var images = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5);
        using var channelsLast = TensorLayout.ChannelsLast(images);

        Assert.Equal(images.shape, channelsLast.shape);
        Assert.True(images.eq(channelsLast).all().item<bool>());
        // N, C, H, W strides of an (N, H, W, C) memory order: C is innermost, then W, H and N.
        Assert.Equal([4 * 5 * 3, 1, 5 * 3, 3], channelsLast.stride());
        Assert.Equal([3 * 4 * 5, 4 * 5, 5, 1], images.stride());
    }
}
