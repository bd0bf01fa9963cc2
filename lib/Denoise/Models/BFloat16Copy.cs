using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Denoise.Models;

/// <summary>
/// Mixed precision for any model of the family, as PyTorch's CPU autocast does it: a bfloat16 copy of a model (its
/// master) computes for it. The copy is a network of the same class with its weights rounded to bf16, so it runs the
/// model's one definition (its <c>forward</c>, or its fast forward) with every convolution and its backward in bf16;
/// the master keeps the fp32 weights that the optimiser updates and that model files store. Losses and metrics stay fp32:
/// <see cref="DenoisingLoss"/> lifts the outputs to the fp32 targets.
/// </summary>
/// <remarks>
/// Normalisation layers (batch, instance, group and layer norm) keep fp32 weights and running statistics in the copy, as
/// autocast keeps them: libtorch normalises bf16 activations with fp32 statistics, and a running variance averaged in
/// bf16's 8 bits would drift. A training step calls <see cref="LoadFromMaster"/>, runs the copy, then
/// <see cref="StoreInMaster"/>, which hands the copy's gradients to the master in fp32 (the cast's backward) and the
/// statistics a training forward updated back to it.
/// </remarks>
public sealed class BFloat16Copy : IDisposable
{
    private readonly Tensor[] masterParameters;
    private readonly Tensor[] copyParameters;
    private readonly Tensor[] masterBuffers;
    private readonly Tensor[] copyBuffers;

    /// <param name="master">The model whose weights the copy takes; it is not changed here.</param>
    /// <param name="twin">A new network of the master's architecture, converted here to compute in bf16; the copy owns it.</param>
    public BFloat16Copy(Denoiser master, Denoiser twin)
    {
        if (twin.GetType() != master.GetType())
            throw new ArgumentException($"a bf16 copy of a {master.Architecture} model must be a {master.GetType().Name}, not a {twin.GetType().Name}", nameof(twin));
        ToBFloat16(twin);
        Network = twin;
        var (masterNamed, copyNamed) = (master.named_parameters().ToList(), twin.named_parameters().ToList());
        var (masterBufferList, copyBufferList) = (master.named_buffers().ToList(), twin.named_buffers().ToList());
        if (!masterNamed.Select(p => (p.name, Shape(p.parameter))).SequenceEqual(copyNamed.Select(p => (p.name, Shape(p.parameter))))
            || !masterBufferList.Select(b => b.name).SequenceEqual(copyBufferList.Select(b => b.name)))
            throw new ArgumentException($"the twin's parameters differ from the {master.Architecture} model's", nameof(twin));
        masterParameters = [.. masterNamed.Select(p => (Tensor)p.parameter)];
        copyParameters = [.. copyNamed.Select(p => (Tensor)p.parameter)];
        masterBuffers = [.. masterBufferList.Select(b => b.buffer)];
        copyBuffers = [.. copyBufferList.Select(b => b.buffer)];
        LoadFromMaster();
    }

    /// <summary>The bf16 network: the master's architecture, run like any model (its inputs are bf16, <see cref="Denoiser.InputType"/>).</summary>
    public Denoiser Network { get; }

    /// <summary>
    /// Converts <paramref name="model"/> in place to compute in bf16: every floating parameter and buffer but those of
    /// normalisation layers. For a model that will only denoise (a loaded file); training keeps an fp32 master instead.
    /// </summary>
    public static void ToBFloat16(Denoiser model)
    {
        model.to(ScalarType.BFloat16);
        foreach (var module in model.modules().Where(IsNormalisation))
            module.to(ScalarType.Float32);
    }

    /// <summary>The master's current weights and buffers into the copy (rounded to bf16 where the copy is bf16); clears the copy's gradients.</summary>
    public void LoadFromMaster()
    {
        using var noGrad = no_grad();
        for (var i = 0; i < copyParameters.Length; i++)
            copyParameters[i].copy_(masterParameters[i]);
        for (var i = 0; i < copyBuffers.Length; i++)
            copyBuffers[i].copy_(masterBuffers[i]);
        Network.zero_grad();
    }

    /// <summary>
    /// The copy's gradients added to the master's in the master's type (what backward through a cast from fp32 to bf16
    /// gives), and the copy's buffers (running statistics a training forward updated) back into the master.
    /// </summary>
    public void StoreInMaster()
    {
        using var scope = NewDisposeScope();
        var (roots, grads) = (new List<Tensor>(), new List<Tensor>());
        for (var i = 0; i < copyParameters.Length; i++)
        {
            if (copyParameters[i].grad is not { } grad)
                continue;
            roots.Add(masterParameters[i]);
            grads.Add(grad.to_type(masterParameters[i].dtype));
        }
        // Parameters take their gradient through backward like any other root, so the optimiser sees .grad.
        if (roots.Count > 0)
            autograd.backward(roots, grads);
        using var noGrad = no_grad();
        for (var i = 0; i < copyBuffers.Length; i++)
            masterBuffers[i].copy_(copyBuffers[i]);
    }

    public void Dispose() => Network.Dispose();

    private static bool IsNormalisation(nn.Module module) => module is NormBase or GroupNorm or LayerNorm;

    private static string Shape(Tensor tensor) => string.Join("x", tensor.shape);
}
