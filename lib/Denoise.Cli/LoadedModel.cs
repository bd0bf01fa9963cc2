using Denoise.Models;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Cli;

/// <summary>
/// A model file the user named, loaded, and the precision it denoises in; what goes wrong while it denoises is reported
/// under the file's path.
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    /// <summary>What `auto` times: a batch of digit-sized images, as `evaluate` and the trainer's validation denoise them.</summary>
    private const int ProbeImages = 256;

    private readonly BFloat16Copy? copy;

    private LoadedModel(string path, Denoiser network, ModelMetadata metadata, BFloat16Copy? copy, PrecisionChoice precision)
    {
        Path = path;
        Network = network;
        Metadata = metadata;
        this.copy = copy;
        Precision = precision;
    }

    public string Path { get; }

    /// <summary>The model as the file holds it (fp32).</summary>
    public Denoiser Network { get; }

    public ModelMetadata Metadata { get; }

    /// <summary>The network that computes in <see cref="Precision"/>: the model, or its bf16 copy.</summary>
    public Denoiser Computing => copy?.Network ?? Network;

    /// <summary>The precision <see cref="Denoise"/> computes in, and why.</summary>
    public PrecisionChoice Precision { get; }

    /// <param name="precision">fp32, bf16 (a bf16 copy of the model denoises), or auto (<see cref="PrecisionProbe"/> times both on this machine).</param>
    /// <param name="probe">Resolves auto; null: this machine's.</param>
    public static LoadedModel Load(string path, Precision precision = Training.Precision.Float32, PrecisionProbe? probe = null)
    {
        var (network, metadata) = ModelFile.Load(path);
        BFloat16Copy? copy = null;
        try
        {
            using var scope = NewDisposeScope();
            using var generator = new TorchSharp.torch.Generator(0);
            var images = rand([ProbeImages, 1, 28, 28], generator: generator);
            var choice = (probe ?? PrecisionProbe.ForThisMachine()).Choose(precision, p =>
            {
                var computing = p == Training.Precision.BFloat16 ? (copy ??= Architectures.CreateBFloat16Copy(network)).Network : network;
                return () => ImageDenoiser.Denoise(computing, images).Dispose();
            }, $"denoising {ProbeImages} images of 28 x 28");
            if (choice.Used == Training.Precision.BFloat16)
                copy ??= Architectures.CreateBFloat16Copy(network);
            else
            {
                copy?.Dispose();
                copy = null;
            }
            return new LoadedModel(path, network, metadata, copy, choice);
        }
        catch
        {
            copy?.Dispose();
            network.Dispose();
            throw;
        }
    }

    /// <summary><see cref="ImageDenoiser.Denoise(Denoiser, Tensor, int, int, SelfEnsemble)"/> in <see cref="Precision"/>, with the model file named in its errors.</summary>
    public Tensor Denoise(Tensor images, SelfEnsemble ensemble = SelfEnsemble.None)
    {
        try
        {
            return ImageDenoiser.Denoise(Computing, images, ensemble: ensemble);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path}: {e.Message}", e);
        }
    }

    /// <summary><see cref="ImageDenoiser.DenoisePlanes"/> in <see cref="Precision"/>, with the model file named in its errors.</summary>
    public Tensor DenoisePlanes(Tensor image, SelfEnsemble ensemble = SelfEnsemble.None)
    {
        try
        {
            return ImageDenoiser.DenoisePlanes(Computing, image, ensemble);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        copy?.Dispose();
        Network.Dispose();
    }
}
