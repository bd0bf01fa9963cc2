using Denoise.Models;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Cli;

/// <summary>A model file the user named, loaded; what goes wrong while it denoises is reported under the file's path.</summary>
internal sealed record LoadedModel(string Path, Denoiser Network, ModelMetadata Metadata) : IDisposable
{
    public static LoadedModel Load(string path)
    {
        var (network, metadata) = ModelFile.Load(path);
        return new LoadedModel(path, network, metadata);
    }

    /// <summary><see cref="ImageDenoiser.Denoise(Denoiser, Tensor, int, int, SelfEnsemble)"/>, with the model file named in its errors.</summary>
    public Tensor Denoise(Tensor images, SelfEnsemble ensemble = SelfEnsemble.None)
    {
        try
        {
            return ImageDenoiser.Denoise(Network, images, ensemble: ensemble);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path}: {e.Message}", e);
        }
    }

    public void Dispose() => Network.Dispose();
}
