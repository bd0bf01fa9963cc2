namespace Denoise.Tests;

/// <summary>Tests that use TorchSharp run one at a time: libtorch state (threads, default dtype) is process-wide.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;
