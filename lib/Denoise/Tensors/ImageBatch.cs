using static TorchSharp.torch;

namespace Denoise.Tensors;

/// <summary>
/// Brings the image shapes the library accepts (H×W, N×H×W, N×1×H×W) to one batch layout N×1×H×W,
/// so metrics and filters are written once for batches.
/// </summary>
internal static class ImageBatch
{
    /// <summary>A view of <paramref name="images"/> as N×1×H×W; throws if the shape is none of the accepted ones.</summary>
    public static Tensor AsBatch(Tensor images, string name)
    {
        var shape = images.shape;
        return shape.Length switch
        {
            2 => images.reshape(1, 1, shape[0], shape[1]),
            3 => images.reshape(shape[0], 1, shape[1], shape[2]),
            4 when shape[1] == 1 => images.alias(),
            _ => throw new ArgumentException(
                $"{name}: expected images shaped H x W, N x H x W or N x 1 x H x W (one grayscale channel), got {Describe(shape)}"),
        };
    }

    /// <summary>Checks that reference and test images have the same shape; metrics compare pixel by pixel.</summary>
    public static void RequireSameShape(Tensor reference, Tensor image)
    {
        if (!reference.shape.SequenceEqual(image.shape))
        {
            throw new ArgumentException(
                $"reference is {Describe(reference.shape)} but image is {Describe(image.shape)} - compare images of the same shape");
        }
    }

    public static string Describe(long[] shape) => shape.Length == 0 ? "a scalar" : string.Join(" x ", shape);
}
