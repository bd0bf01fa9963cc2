using Denoise.Performance;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// Runs a trained denoiser on images of any size: the autoencoder halves the size twice and doubles it
/// back, so height and width are padded up to a multiple of 4, the model runs in batches, and the
/// result is cropped back to the input's size.
/// </summary>
public static class ImageDenoiser
{
    /// <summary>The model's two 2×2 poolings need sides divisible by 4.</summary>
    public const int SizeMultiple = 4;

    /// <summary>
    /// Denoises N×1×H×W images (also H×W or N×H×W) with <paramref name="model"/> in eval mode without
    /// gradients, <paramref name="batchSize"/> images at a time; returns a float32 tensor of the input's
    /// shape on the input's device. The model's training/eval mode is restored afterwards.
    /// </summary>
    public static Tensor Denoise(Module<Tensor, Tensor> model, Tensor images, int batchSize = 256)
    {
        if (batchSize < 1)
        {
            throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        }

        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var batch = Metrics.ImageBatch.AsBatch(images, nameof(images)).to_type(ScalarType.Float32);
            var (count, height, width) = (batch.shape[0], batch.shape[2], batch.shape[3]);

            // Replicate padding works for any size (reflect needs the border smaller than the side, which fails on
            // 1-pixel-high images) and continues the edge, which on MNIST is the black background the model knows.
            var padBottom = (SizeMultiple - height % SizeMultiple) % SizeMultiple;
            var padRight = (SizeMultiple - width % SizeMultiple) % SizeMultiple;
            var padded = padBottom + padRight == 0
                ? batch
                : functional.pad(batch, [0, padRight, 0, padBottom], PaddingModes.Replicate);

            var result = count == 0 ? padded.clone()
                : model is ConvAutoencoder autoencoder ? FastInference.Predict(autoencoder, padded, batchSize)
                : InBatches(model, padded, batchSize);
            return result.narrow(2, 0, height).narrow(3, 0, width).reshape(images.shape).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static Tensor InBatches(Module<Tensor, Tensor> model, Tensor images, int batchSize)
    {
        var outputs = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batchSize)
            outputs.Add(model.call(images.narrow(0, start, Math.Min(batchSize, images.shape[0] - start))));
        return outputs.Count == 1 ? outputs[0] : cat(outputs, 0);
    }
}
