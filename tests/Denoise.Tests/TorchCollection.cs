namespace Denoise.Tests;

/// <summary>Tests that use TorchSharp run one at a time: libtorch's thread pool is shared process-wide.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;
