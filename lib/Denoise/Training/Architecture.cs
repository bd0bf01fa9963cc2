using Denoise.Models;

namespace Denoise.Training;

/// <summary>
/// One member of the model family as <see cref="Architectures"/> knows it: its name, what it is in a line, how to build
/// it from a seed, and the training recipe it was designed with (what `train --arch NAME` uses unless told otherwise).
/// </summary>
public sealed record Architecture(string Name, string Description, Func<long, Denoiser> Create, TrainingOptions Recipe);
