using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Denoise.Models;

/// <summary>
/// Runs a trained denoiser on images of any size: height and width are padded up to a multiple of the model's
/// <see cref="Denoiser.SizeMultiple"/>, the model runs in batches (through its fast forward where it has one), and the
/// result is cropped back to the input's size. Images larger than <see cref="TileSize"/>² pixels are denoised in
/// tiles of that area (square, or as thin as a thin image) whose windows overlap by the model's
/// <see cref="Denoiser.ReceptiveRadius"/>, so memory stays bounded whatever the image's size and shape, and the result
/// is what the whole image would give. A model that is told the noise level (<see cref="Denoiser.EstimateNoiseLevels"/>)
/// gets each image's level estimated once, on the whole unpadded image, and the same level for every tile and piece of it
/// (with a self-ensemble, once per view).
/// </summary>
public static class ImageDenoiser
{
    /// <summary>The side of the square a tile contributes (a thin tile has its area); with its overlap, one forward pass sees about 550×550 pixels.</summary>
    public const int TileSize = 512;

    /// <summary>Below this many images the calling thread does the work: starting workers would cost more.</summary>
    private const int ParallelThreshold = 64;

    /// <summary>Images per forward call on a worker: small enough for the L2 cache.</summary>
    private const int PieceSize = 64;

    /// <summary>
    /// Denoises N×1×H×W images (also H×W or N×H×W) with <paramref name="model"/> in eval mode without gradients,
    /// <paramref name="batchSize"/> images at a time, in the model's own precision (<see cref="Denoiser.InputType"/>: a
    /// <see cref="BFloat16Copy"/>'s network computes in bf16); returns a float32 tensor of the input's shape on the
    /// input's device. The model's training/eval mode is restored afterwards.
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

    /// <summary>
    /// Denoises a C×H×W image plane by plane, each plane as a grey image of its own (with its own noise level, for a
    /// model told one): a colour photo keeps its colour through a grey model. Returns a float32 C×H×W tensor.
    /// </summary>
    public static Tensor DenoisePlanes(Denoiser model, Tensor image, SelfEnsemble ensemble = SelfEnsemble.None)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 3)
            throw new ArgumentException($"expected one image C x H x W, got {ImageBatch.Describe(image.shape)}", nameof(image));
        using var scope = NewDisposeScope();
        return Denoise(model, image.unsqueeze(1), ensemble: ensemble).squeeze(1).MoveToOuterDisposeScope();
    }

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
                sum.add_(denoised, Scalars.One);
        }
        using var count = views.ToScalar();
        return sum!.div_(count).reshape(images.shape).MoveToOuterDisposeScope();
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
            // A bf16 network (BFloat16Copy) takes bf16 images; what it returns goes back to float32 at the end.
            var batch = ImageBatch.AsBatch(images, nameof(images)).to_type(model.InputType);
            var (count, height, width) = (batch.shape[0], batch.shape[2], batch.shape[3]);
            var levels = count == 0 ? null : NoiseLevels(model, batch);
            var tile = RoundUp(tileSize, model.TileGrid);
            var multiple = model.SizeMultiple;
            Tensor result;
            if (count == 0)
                result = batch.clone();
            else if (RoundUp(height, multiple) * RoundUp(width, multiple) <= (long)tile * tile)
            {
                result = Predict(model, PadToMultiple(batch, multiple), levels, batchSize, workers).narrow(2, 0, height).narrow(3, 0, width);
                RequireFinite(model, result);
            }
            else
                result = InTiles(model, batch, levels, TileShape(height, width, tile, model.TileGrid), RoundUp(model.ReceptiveRadius, model.TileGrid));
            return result.to_type(ScalarType.Float32).reshape(images.shape).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Each image's noise level for a model told one (null for any other), estimated one image at a time: the estimate
    /// works in float64 on the whole image, so memory stays a few copies of one image, not of the batch.
    /// </summary>
    private static Tensor? NoiseLevels(Denoiser model, Tensor images)
    {
        var levels = new List<Tensor>();
        for (long n = 0; n < images.shape[0]; n++)
        {
            if (model.EstimateNoiseLevels(images.narrow(0, n, 1)) is not { } level)
                return null;
            levels.Add(level);
        }
        return cat(levels, 0);
    }

    /// <summary>
    /// The images padded at the bottom and right to multiples of <paramref name="multiple"/>. Replicate padding works
    /// for any size (reflect needs the border smaller than the side, which fails on 1-pixel-high images) and continues
    /// the edge, which on MNIST is the black background the model knows.
    /// </summary>
    private static Tensor PadToMultiple(Tensor images, int multiple)
    {
        var (height, width) = (images.shape[2], images.shape[3]);
        var (bottom, right) = (RoundUp(height, multiple) - height, RoundUp(width, multiple) - width);
        return bottom + right == 0 ? images : functional.pad(images, [0, right, 0, bottom], PaddingModes.Replicate);
    }

    /// <summary>Finite weights can still overflow; a NaN image must never pass for a denoised one.</summary>
    private static void RequireFinite(Denoiser model, Tensor output)
    {
        if (!isfinite(output).all().item<bool>())
            throw new InvalidDataException($"the {model.Architecture} model's output holds NaN or infinite values - its weights are unusable; train it again");
    }

    /// <summary>
    /// The rows and columns of a tile: <paramref name="tile"/> square, or for an image thinner than that, as thin as
    /// the image (rounded up to <paramref name="grid"/>) and as long as keeps its area <paramref name="tile"/>². So a
    /// 1 x 67-million-pixel image is some thousand tiles of 8 x 32768, not a hundred thousand of 8 x 512 that each
    /// cost a forward call and a margin on both sides.
    /// </summary>
    internal static (long Rows, long Columns) TileShape(long height, long width, int tile, int grid)
    {
        var area = (long)tile * tile;
        var (rows, columns) = (RoundUp(height, grid), RoundUp(width, grid));
        if (rows < tile)
            return (rows, Math.Max(grid, area / rows / grid * grid));
        if (columns < tile)
            return (Math.Max(grid, area / columns / grid * grid), columns);
        return (tile, tile);
    }

    /// <summary>
    /// The model's outputs, one tile at a time: each tile is computed from a window that extends <paramref name="margin"/>
    /// pixels beyond it (as far as the image padded to the model's <see cref="Denoiser.SizeMultiple"/> goes), so every
    /// pixel of the tile sees all the context it would see in the whole image. Tiles, windows and margins start on
    /// multiples of the model's <see cref="Denoiser.TileGrid"/>, so pooling windows fall where they would in the whole
    /// image. Only each window is padded, and the output is the images' own size: memory is the input, the output and
    /// one window, whatever the image's shape.
    /// </summary>
    private static Tensor InTiles(Denoiser model, Tensor images, Tensor? levels, (long Rows, long Columns) tile, int margin)
    {
        var (count, height, width) = (images.shape[0], images.shape[2], images.shape[3]);
        var multiple = model.SizeMultiple;
        var (paddedHeight, paddedWidth) = (RoundUp(height, multiple), RoundUp(width, multiple));
        var output = empty_like(images);
        for (long n = 0; n < count; n++)
            for (long y = 0; y < height; y += tile.Rows)
                for (long x = 0; x < width; x += tile.Columns)
                {
                    using var scope = NewDisposeScope();
                    // The window in the padded image's coordinates; what lies beyond the image is its replicated edge.
                    var (top, left) = (Math.Max(0, y - margin), Math.Max(0, x - margin));
                    var (bottom, right) = (Math.Min(paddedHeight, y + tile.Rows + margin), Math.Min(paddedWidth, x + tile.Columns + margin));
                    var (inside, insideRight) = (Math.Min(bottom, height), Math.Min(right, width));
                    var window = images.narrow(0, n, 1).narrow(2, top, inside - top).narrow(3, left, insideRight - left);
                    if (inside < bottom || insideRight < right)
                        window = functional.pad(window, [0, right - insideRight, 0, bottom - inside], PaddingModes.Replicate);
                    var denoised = Predict(model, window, levels?.narrow(0, n, 1), batchSize: 1, workers: 1);
                    var (rows, columns) = (Math.Min(tile.Rows, height - y), Math.Min(tile.Columns, width - x));
                    var part = denoised.narrow(2, y - top, rows).narrow(3, x - left, columns);
                    RequireFinite(model, part);
                    output.narrow(0, n, 1).narrow(2, y, rows).narrow(3, x, columns).copy_(part);
                }
        return output;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// The model's outputs for a batch whose sides fit it, on the calling thread or split over workers; with
    /// <paramref name="levels"/> (one noise level per image) the model is given them instead of estimating its own.
    /// </summary>
    private static Tensor Predict(Denoiser model, Tensor images, Tensor? levels, int batchSize, int workers)
    {
        using var scope = NewDisposeScope();
        using var fast = model.CreateFastForward();
        var prepared = fast?.Prepare() ?? [];
        Tensor Run(Tensor part, Tensor? partLevels, int size)
        {
            using var runScope = NewDisposeScope();
            var outputs = new List<Tensor>();
            for (long start = 0; start < part.shape[0]; start += size)
            {
                var piece = part.narrow(0, start, Math.Min(size, part.shape[0] - start));
                var length = piece.shape[0];
                outputs.Add(partLevels is not null ? model.ForwardWithNoiseLevels(piece, partLevels.narrow(0, start, length))
                    : fast?.Predict(piece, prepared) ?? model.call(piece));
            }
            return (outputs.Count == 1 ? outputs[0] : cat(outputs, 0)).MoveToOuterDisposeScope();
        }

        var n = images.shape[0];
        var count = (int)Math.Min(workers, Math.Max(1, n / (ParallelThreshold / 2)));
        if (count == 1 || n < ParallelThreshold)
            return Run(images, levels, batchSize).MoveToOuterDisposeScope();

        using var pool = new TorchWorkers(count);
        var parts = new Tensor?[count];
        pool.Run(w =>
        {
            using var workerNoGrad = no_grad();   // grad mode is per thread
            var (first, last) = (n * w / count, n * (w + 1) / count);
            // Detached from the worker's scope: the calling thread concatenates the parts before they are disposed.
            parts[w] = Run(images.narrow(0, first, last - first), levels?.narrow(0, first, last - first), Math.Min(batchSize, PieceSize)).DetachFromDisposeScope();
        });
        var result = cat(parts!, 0);
        pool.Run(w => parts[w]!.Dispose());   // on the thread that made it: per-thread live counts stay balanced
        return result.MoveToOuterDisposeScope();
    }
}
