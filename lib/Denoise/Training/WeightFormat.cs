namespace Denoise.Training;

/// <summary>The files in which <see cref="PyTorchWeights"/> exchanges a model's state dict with PyTorch.</summary>
public enum WeightFormat
{
    /// <summary>Hugging Face's safetensors: an 8-byte header length, a JSON header, raw little-endian tensors.</summary>
    SafeTensors,

    /// <summary>What <c>torch.save(model.state_dict(), path)</c> writes and <c>torch.load</c> reads (the zip format of PyTorch ≥ 1.6).</summary>
    PyTorch,
}
