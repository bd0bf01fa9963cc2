namespace Denoise.Tests;

/// <summary>TorchSharp tests share native state (threads, dispose-scope statistics), so they run one at a time.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;
