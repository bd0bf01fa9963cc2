namespace Denoise.Cli.Bench;

/// <summary>One side of `denoise bench`: throughput, latency and memory of a training and inference run.</summary>
/// <param name="TrainImagesPerSecond">Training images per second at batch 256, after warm-up.</param>
/// <param name="InferImagesPerSecond">Inference images per second at batch 256 (no autograd), median of repeats.</param>
/// <param name="LatencyMsBatch1">Median milliseconds to denoise one image.</param>
/// <param name="PeakRssMb">Peak resident memory of the process during the training measurement, MiB.</param>
/// <param name="DataLoadSeconds">Seconds to read the MNIST training images, or null for synthetic data.</param>
/// <param name="TrainCpuMsPerBatch">Process CPU milliseconds per training batch: the work done, which a busy
/// machine disturbs far less than wall-clock rates (compare at --threads 1).</param>
/// <param name="InferCpuMsPerBatch">Process CPU milliseconds per inference batch of 256.</param>
/// <param name="Path">Which training step ran: ours "fast" (the chunked step) or "plain"; PyTorch's "idiomatic", or for
/// its tuned mode what the network supports ("phased", "channels_last" or "plain").</param>
public sealed record BenchmarkResult(
    double TrainImagesPerSecond,
    double InferImagesPerSecond,
    double LatencyMsBatch1,
    double PeakRssMb,
    double? DataLoadSeconds,
    double TrainCpuMsPerBatch,
    double InferCpuMsPerBatch,
    string? Path = null);
