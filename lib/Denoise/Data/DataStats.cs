using Denoise.Randomness;
using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>The numbers an exploration of an image set starts with: sizes, ranges, class balance, typical images.</summary>
public static class DataStats
{
    /// <summary>Count, shape and pixel statistics of a set, for a first look.</summary>
    public static DataSummary Summarize(DigitSet set)
    {
        using var scope = NewDisposeScope();
        var images = set.Images;
        var (std, mean) = std_mean(images);
        return new DataSummary(
            set.Name,
            set.Count,
            string.Join(" x ", images.shape),
            images.dtype.ToString(),
            images.min().item<float>(),
            images.max().item<float>(),
            mean.item<float>(),
            std.item<float>(),
            (int)set.Labels.unique().output.shape[0]);
    }

    /// <summary>How many images each class has, indexed by class.</summary>
    public static long[] ClassCounts(Tensor labels, int classes = 10)
    {
        using var counts = bincount(labels, minlength: classes);
        return counts.data<long>().ToArray();
    }

    /// <summary>The average image of each class, classes x 1 x H x W (a class with no images is black).</summary>
    public static Tensor MeanPerClass(Tensor images, Tensor labels, int classes = 10)
    {
        using var scope = NewDisposeScope();
        var flat = images.reshape(images.shape[0], -1);
        var sums = zeros(classes, flat.shape[1], dtype: flat.dtype).index_add_(0, labels, flat, Scalars.One);
        using var atLeastOne = 1L.ToScalar();   // the counts are integers
        var counts = bincount(labels, minlength: classes).clamp_min(atLeastOne).to_type(flat.dtype).unsqueeze(1);
        var shape = images.shape.ToArray();
        shape[0] = classes;
        return sums.div_(counts).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>A histogram of values in [0, 1] with equal-width bins; counts as fractions of all values.</summary>
    public static Histogram PixelHistogram(Tensor images, int bins = 50)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be at least 1");
        using var counts = histc(images.to_type(ScalarType.Float32), bins, 0, 1);
        var raw = counts.data<float>().ToArray();
        var total = raw.Sum(c => (double)c);
        var centers = Enumerable.Range(0, bins).Select(i => (i + 0.5) / bins).ToArray();
        return new Histogram(centers, raw.Select(c => total == 0 ? 0 : c / total).ToArray());
    }

    /// <summary><paramref name="count"/> distinct indices drawn at random from [0, <paramref name="size"/>), reproducible for a seed.</summary>
    public static long[] SampleIndices(long size, int count, long seed)
    {
        if (count < 0 || count > size)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"cannot draw {count} distinct indices from {size}");
        using var generator = SeededGenerator.Create(seed);
        using var order = randperm(size, generator: generator);
        return order.data<long>().Take(count).ToArray();
    }

    /// <summary>The images at <paramref name="indices"/>, in that order (a new tensor).</summary>
    public static Tensor Take(Tensor images, IReadOnlyList<long> indices)
    {
        using var index = tensor(indices.ToArray());
        return images.index_select(0, index);
    }
}
