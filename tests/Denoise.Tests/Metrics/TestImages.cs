using static TorchSharp.torch;

namespace Denoise.Tests.Metrics;

/// <summary>Small deterministic images for metric and filter tests: a smooth blob like a digit stroke, plus seeded noise.</summary>
internal static class TestImages
{
    /// <summary>A bright blob on a dark background with a soft edge, values in [0, 1].</summary>
    public static float[,] Blob(int height, int width)
    {
        var image = new float[height, width];
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                var dy = (r - height / 2.0) / (height / 3.0);
                var dx = (c - width / 2.5) / (width / 4.0);
                image[r, c] = (float)Math.Clamp(1.5 - 1.5 * (dx * dx + dy * dy), 0, 1);
            }
        }

        return image;
    }

    /// <summary><paramref name="image"/> plus seeded Gaussian noise, clipped to [0, 1].</summary>
    public static float[,] Noisy(float[,] image, int seed, double sigma)
    {
        var random = new Random(seed);
        var noisy = (float[,])image.Clone();
        for (var r = 0; r < image.GetLength(0); r++)
        {
            for (var c = 0; c < image.GetLength(1); c++)
            {
                // Box-Muller: two uniforms give one standard normal.
                var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                noisy[r, c] = (float)Math.Clamp(image[r, c] + sigma * normal, 0, 1);
            }
        }

        return noisy;
    }

    /// <summary>Seeded uniform pixels in [0, 1].</summary>
    public static float[,] Uniform(int height, int width, int seed)
    {
        var random = new Random(seed);
        var image = new float[height, width];
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                image[r, c] = random.NextSingle();
            }
        }

        return image;
    }

    public static float[,] Constant(int height, int width, float value)
    {
        var image = new float[height, width];
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                image[r, c] = value;
            }
        }

        return image;
    }

    public static Tensor ToTensor(float[,] image) =>
        tensor(image.Cast<float>().ToArray()).reshape(image.GetLength(0), image.GetLength(1));

    /// <summary>Stacks H×W images into an N×1×H×W batch.</summary>
    public static Tensor ToBatch(params float[][,] images) =>
        stack(images.Select(ToTensor).ToArray()).unsqueeze(1);

    public static float[,] ToArray(Tensor image)
    {
        var (height, width) = ((int)image.shape[^2], (int)image.shape[^1]);
        var values = image.cpu().contiguous().data<float>().ToArray();
        var result = new float[height, width];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(float));
        return result;
    }
}
