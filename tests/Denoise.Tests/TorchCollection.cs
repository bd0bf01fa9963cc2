namespace Denoise.Tests;

/// <summary>Tests that use TorchSharp share native state (threads, seeds), so they run one at a time.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;
