namespace Denoise.Training;

/// <summary>
/// One epoch of training as Keras' History reports it: the mean training loss over all images,
/// the validation loss after the epoch, and the wall-clock seconds both took.
/// </summary>
public sealed record EpochRecord(int Epoch, double Loss, double ValLoss, double Seconds);
