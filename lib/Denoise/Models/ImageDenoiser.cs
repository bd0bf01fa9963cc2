using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// Runs a trained denoiser on images of any size: height and width are padded up to a multiple of the model's
/// <see cref="Denoiser.SizeMultiple"/>, the model runs in batches (through its fast forward where it has one), and the
/// result is cropped back to the input's size. Images larger than <see cref="TileSize"/>² pixels are denoised in
/// tiles that overlap by the model's <see cref="Denoiser.ReceptiveRadius"/>, so memory stays bounded whatever the
/// image's size and the result is what the whole image would give.
/// </summary>
public static class ImageDenoiser
{
    /// <summary>The side of the square a tile contributes; with its overlap, one forward pass sees about 550×550 pixels.</summary>
    public const int TileSize = 512;

    /// <summary>Below this many images the calling thread does the work: starting workers would cost more.</summary>
    private const int ParallelThreshold = 64;

    /// <summary>Images per forward call on a worker: small enough for the L2 cache.</summary>
    private const int PieceSize = 64;

    /// <summary>
    /// Denoises N×1×H×W images (also H×W or N×H×W) with <paramref name="model"/> in eval mode without gradients,
    /// <paramref name="batchSize"/> images at a time; returns a float32 tensor of the input's shape on the input's
    /// device. The model's training/eval mode is restored afterwards.
    /// </summary>
    /// <param name="workers">
    /// Parallel workers with one intra-op thread each; 1 (the default) runs on the calling thread with its torch
    /// threads. Opt-in: for the seed model 2 workers were not a clear win over 2 intra-op threads (docs/performance.md).
    /// </param>
    /// <param name="ensemble">
    /// Also denoise the images mirrored (and turned), turn each output back and average them: 4 or 8 passes
    /// instead of 1, so about 4 or 8 times the time (<see cref="SelfEnsemble"/>).
    /// </param>
    public static Tensor Denoise(Denoiser model, Tensor images, int batchSize = 256, int workers = 1, SelfEnsemble ensemble = SelfEnsemble.None) =>
        Denoise(model, images, batchSize, workers, TileSize, ensemble);

    /// <param name="tileSize">Tests set a small one to compare tiles with the whole image on small images.</param>
    internal static Tensor Denoise(Denoiser model, Tensor images, int batchSize, int workers, int tileSize, SelfEnsemble ensemble = SelfEnsemble.None)
    {
        if (ensemble == SelfEnsemble.None)
            return DenoiseOnce(model, images, batchSize, workers, tileSize);
        var views = ensemble.Views();
        using var scope = NewDisposeScope();
        var batch = ImageBatch.AsBatch(images, nameof(images));
        Tensor? sum = null;
        for (var view = 0; view < views; view++)
        {
            // Each view goes through the whole path (padding, tiles), so each is what the model makes of that view.
            using var viewScope = NewDisposeScope();
            var denoised = SelfEnsembles.Unview(DenoiseOnce(model, SelfEnsembles.View(batch, view), batchSize, workers, tileSize), view);
            if (sum is null)
                sum = denoised.contiguous().MoveToOuterDisposeScope();
            else
                sum.add_(denoised);
        }
        return sum!.div_(views).reshape(images.shape).MoveToOuterDisposeScope();
    }

    private static Tensor DenoiseOnce(Denoiser model, Tensor images, int batchSize, int workers, int tileSize)
    {
        if (batchSize < 1)
            throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);

        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var batch = ImageBatch.AsBatch(images, nameof(images)).to_type(ScalarType.Float32);
            var (count, height, width) = (batch.shape[0], batch.shape[2], batch.shape[3]);

            // Replicate padding works for any size (reflect needs the border smaller than the side, which fails on
            // 1-pixel-high images) and continues the edge, which on MNIST is the black background the model knows.
            var multiple = model.SizeMultiple;
            var padBottom = (multiple - height % multiple) % multiple;
            var padRight = (multiple - width % multiple) % multiple;
            var padded = padBottom + padRight == 0
                ? batch
                : functional.pad(batch, [0, padRight, 0, padBottom], PaddingModes.Replicate);

            var tile = RoundUp(tileSize, model.TileGrid);
            var result = count == 0 ? padded.clone()
                : padded.shape[2] * padded.shape[3] <= (long)tile * tile ? Predict(model, padded, batchSize, workers)
                : InTiles(model, padded, tile, RoundUp(model.ReceptiveRadius, model.TileGrid));
            // Finite weights can still overflow; a NaN image must never pass for a denoised one.
            if (!isfinite(result).all().item<bool>())
                throw new InvalidDataException($"the {model.Architecture} model's output holds NaN or infinite values - its weights are unusable; train it again");
            return result.narrow(2, 0, height).narrow(3, 0, width).reshape(images.shape).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// The model's outputs for images whose sides fit it, one <paramref name="tile"/>² square at a time: each square is
    /// computed from a window that extends <paramref name="margin"/> pixels beyond it (as far as the image goes), so
    /// every pixel of the square sees all the context it would see in the whole image. Squares, windows and margins
    /// start on multiples of the model's <see cref="Denoiser.TileGrid"/>, so pooling windows fall where they would in the whole image.
    /// </summary>
    private static Tensor InTiles(Denoiser model, Tensor images, int tile, int margin)
    {
        var (count, height, width) = (images.shape[0], images.shape[2], images.shape[3]);
        var output = empty_like(images);
        for (long n = 0; n < count; n++)
        for (long y = 0; y < height; y += tile)
        for (long x = 0; x < width; x += tile)
        {
            using var scope = NewDisposeScope();
            var (top, left) = (Math.Max(0, y - margin), Math.Max(0, x - margin));
            var (bottom, right) = (Math.Min(height, y + tile + margin), Math.Min(width, x + tile + margin));
            var (rows, columns) = (Math.Min(tile, height - y), Math.Min(tile, width - x));
            var window = images.narrow(0, n, 1).narrow(2, top, bottom - top).narrow(3, left, right - left);
            var denoised = Predict(model, window, batchSize: 1, workers: 1);
            output.narrow(0, n, 1).narrow(2, y, rows).narrow(3, x, columns)
                .copy_(denoised.narrow(2, y - top, rows).narrow(3, x - left, columns));
        }
        return output;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The model's outputs for a batch whose sides fit it, on the calling thread or split over workers.</summary>
    private static Tensor Predict(Denoiser model, Tensor images, int batchSize, int workers)
    {
        using var scope = NewDisposeScope();
        using var fast = model.CreateFastForward();
        var prepared = fast?.Prepare() ?? [];
        Tensor Run(Tensor part, int size)
        {
            using var runScope = NewDisposeScope();
            var outputs = new List<Tensor>();
            for (long start = 0; start < part.shape[0]; start += size)
            {
                var piece = part.narrow(0, start, Math.Min(size, part.shape[0] - start));
                outputs.Add(fast?.Predict(piece, prepared) ?? model.call(piece));
            }
            return (outputs.Count == 1 ? outputs[0] : cat(outputs, 0)).MoveToOuterDisposeScope();
        }

        var n = images.shape[0];
        var count = (int)Math.Min(workers, Math.Max(1, n / (ParallelThreshold / 2)));
        if (count == 1 || n < ParallelThreshold)
            return Run(images, batchSize).MoveToOuterDisposeScope();

        using var pool = new TorchWorkers(count);
        var parts = new Tensor?[count];
        pool.Run(w =>
        {
            using var workerNoGrad = no_grad();   // grad mode is per thread
            var (first, last) = (n * w / count, n * (w + 1) / count);
            // Detached from the worker's scope: the calling thread concatenates the parts before they are disposed.
            parts[w] = Run(images.narrow(0, first, last - first), Math.Min(batchSize, PieceSize)).DetachFromDisposeScope();
        });
        var result = cat(parts!, 0);
        pool.Run(w => parts[w]!.Dispose());   // on the thread that made it: per-thread live counts stay balanced
        return result.MoveToOuterDisposeScope();
    }
}
