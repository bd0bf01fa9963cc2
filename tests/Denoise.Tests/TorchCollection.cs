namespace Denoise.Tests;

/// <summary>Tests that use TorchSharp run one at a time: torch's global seed and thread pool are shared state.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;
