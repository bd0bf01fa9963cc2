using Denoise.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using Adam = Denoise.Training.Adam;

namespace Denoise.Tests.Training;

[Collection("torch")]
public sealed class AdamTests
{
    [Fact]
    public void Its_steps_are_TorchSharps_to_the_bit()
    {
        // The same libtorch operations in the same order on the same tensors, only with held scalars: the weights
        // must agree exactly on any CPU, whatever kernels it picks, since both sides run the same ones.
        using var ourModel = new ConvAutoencoder(seed: 3);
        using var theirModel = new ConvAutoencoder(seed: 3);
        using var ours = new Adam(ourModel.parameters(), 0.004, 0.9, 0.999, 1e-7);
        using var theirs = optim.Adam(theirModel.parameters(), 0.004, 0.9, 0.999, 1e-7);
        using var images = rand([8, 1, 28, 28], generator: new Generator(5));
        for (var step = 0; step < 5; step++)
        {
            foreach (var (model, optimizer) in new (Denoiser, optim.Optimizer)[] { (ourModel, ours), (theirModel, theirs) })
            {
                optimizer.zero_grad();
                using var loss = functional.mse_loss(model.call(images), images);
                loss.backward();
                optimizer.step();
            }
            ours.ParamGroups.First().LearningRate = theirs.ParamGroups.First().LearningRate = 0.004 / (step + 2);
        }

        foreach (var (a, b) in ourModel.parameters().Zip(theirModel.parameters()))
            Assert.True(a.eq(b).all().item<bool>(), "our Adam's weights differ from TorchSharp's");
        using var start = new ConvAutoencoder(seed: 3);
        Assert.False(ourModel.parameters().First().eq(start.parameters().First()).all().item<bool>(), "the steps moved nothing");
    }

    [Fact]
    public void Its_saved_state_is_TorchSharps_both_ways()
    {
        // Checkpoints written with TorchSharp's Adam must resume with ours, and the other way round.
        using var model = new ConvAutoencoder(seed: 3);
        using var images = rand([4, 1, 28, 28], generator: new Generator(6));
        using var ours = new Adam(model.parameters(), 0.004, 0.9, 0.999, 1e-7);
        ours.zero_grad();
        functional.mse_loss(model.call(images), images).backward();
        ours.step();

        using var saved = new MemoryStream();
        ours.save_state_dict(new BinaryWriter(saved));
        using var theirs = optim.Adam(model.parameters(), 0.004, 0.9, 0.999, 1e-7);
        saved.Position = 0;
        theirs.load_state_dict(new BinaryReader(saved));
        using var back = new MemoryStream();
        theirs.save_state_dict(new BinaryWriter(back));
        Assert.Equal(saved.ToArray(), back.ToArray());

        using var again = new Adam(model.parameters(), 0.004, 0.9, 0.999, 1e-7);
        back.Position = 0;
        again.load_state_dict(new BinaryReader(back));
        var state = (TorchSharp.Modules.Adam.State)again.state_dict().State[0];
        Assert.Equal(1, state.step);
        Assert.True(state.exp_avg.abs().sum().item<float>() > 0, "the loaded moments are empty");
    }
}
