using System.Text.Json;
using System.Text.Json.Serialization;
using Denoise.Metrics;
using Denoise.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Models;

/// <summary>
/// What training minimises, with its text form ("bce", "mse", "l1"), as written in options, model files and checkpoints.
/// Every loss is a mean over pixels; <see cref="Of(Denoiser, Tensor, Tensor)"/> computes it for any model. A loss is
/// computed in its targets' type: outputs of a bf16 network (<see cref="BFloat16Copy"/>) are lifted to the fp32 clean
/// images first, so that mixed precision keeps its losses in fp32, as autocast does.
/// </summary>
[JsonConverter(typeof(TextConverter))]
public abstract record DenoisingLoss
{
    /// <summary>The forms <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string ValidForms = "bce (binary cross-entropy), mse (mean squared error), l1 (mean absolute error) or mse+ssim:W (mean squared error plus W times 1 - SSIM, W in (0, 10])";

    /// <summary>Binary cross-entropy, the seed model's loss: targets in [0, 1] read as probabilities of ink.</summary>
    public static DenoisingLoss BinaryCrossEntropy { get; } = new Bce();

    /// <summary>Mean squared error: what PSNR measures, so minimising it maximises PSNR.</summary>
    public static DenoisingLoss MeanSquaredError { get; } = new Mse();

    /// <summary>Mean absolute error: less swayed by the few pixels a model gets badly wrong.</summary>
    public static DenoisingLoss MeanAbsoluteError { get; } = new L1();

    /// <summary>The text form, e.g. "bce".</summary>
    public abstract string Name { get; }

    /// <summary>True when the loss is a mean of a per-pixel term, so that the order of the pixels does not change it.</summary>
    public virtual bool IsPixelwise => true;

    /// <summary>True when outputs must be probabilities in [0, 1] (BCE): only models whose output is a sigmoid can take it.</summary>
    public virtual bool NeedsSigmoidOutput => false;

    /// <summary>The mean loss of <paramref name="output"/> against <paramref name="target"/> (same shapes, values in [0, 1]), in the target's type.</summary>
    public Tensor Of(Tensor output, Tensor target) => Mean(InTypeOf(target, output), target);

    /// <summary>The same loss for outputs given as the logits of a sigmoid.</summary>
    public Tensor OfLogits(Tensor logits, Tensor target) => MeanOfLogits(InTypeOf(target, logits), target);

    /// <summary>The loss of outputs of the target's type.</summary>
    protected abstract Tensor Mean(Tensor output, Tensor target);

    /// <summary>The loss of logits of the target's type.</summary>
    protected virtual Tensor MeanOfLogits(Tensor logits, Tensor target) => Mean(F.sigmoid(logits), target);

    private static Tensor InTypeOf(Tensor target, Tensor output) =>
        output.dtype == target.dtype ? output : output.to_type(target.dtype);

    /// <summary>The loss of <paramref name="model"/> on one batch: its logits where it has them, else its output.</summary>
    public Tensor Of(Denoiser model, Tensor noisy, Tensor clean) =>
        model.HasLogits ? OfLogits(model.ForwardLogits(noisy), clean) : Of(model.call(noisy), clean);

    public sealed override string ToString() => Name;

    /// <summary>Mean squared error plus <paramref name="weight"/> × (1 − mean SSIM): PSNR's measure with a push towards structure.</summary>
    public static DenoisingLoss MeanSquaredErrorAndSsim(double weight) => new MseSsim(weight);

    /// <summary>Reads "bce", "mse", "l1" or "mse+ssim:W" (case-insensitive).</summary>
    /// <exception cref="FormatException">Another text, or a weight outside (0, 10]; the message names it and the valid forms.</exception>
    public static DenoisingLoss Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var form = text.Trim().ToLowerInvariant();
        if (form.StartsWith(MseSsim.Prefix, StringComparison.Ordinal))
        {
            var weightText = form[MseSsim.Prefix.Length..];
            return double.TryParse(weightText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var weight)
                && weight is > 0 and <= MseSsim.MaxWeight
                    ? new MseSsim(weight)
                    : throw new FormatException($"loss '{text}': the SSIM weight must be a number in (0, {MseSsim.MaxWeight}], got '{weightText}'; use {ValidForms}");
        }

        return form switch
        {
            "bce" => BinaryCrossEntropy,
            "mse" => MeanSquaredError,
            "l1" => MeanAbsoluteError,
            _ => throw new FormatException($"loss '{text}' is not known; use {ValidForms}"),
        };
    }

    private sealed record Bce : DenoisingLoss
    {
        public override string Name => "bce";

        public override bool NeedsSigmoidOutput => true;

        protected override Tensor Mean(Tensor output, Tensor target) => F.binary_cross_entropy(output, target);

        protected override Tensor MeanOfLogits(Tensor logits, Tensor target) => F.binary_cross_entropy_with_logits(logits, target);
    }

    private sealed record Mse : DenoisingLoss
    {
        public override string Name => "mse";

        protected override Tensor Mean(Tensor output, Tensor target) => F.mse_loss(output, target);
    }

    private sealed record L1 : DenoisingLoss
    {
        public override string Name => "l1";

        protected override Tensor Mean(Tensor output, Tensor target) => F.l1_loss(output, target);
    }

    /// <summary>SSIM looks at 7×7 windows, so this loss is not a mean of per-pixel terms.</summary>
    private sealed record MseSsim(double Weight) : DenoisingLoss
    {
        public const string Prefix = "mse+ssim:";
        public const double MaxWeight = 10;

        public override string Name => Prefix + Weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        public override bool IsPixelwise => false;

        protected override Tensor Mean(Tensor output, Tensor target)
        {
            // The weight is held until libtorch returns (Denoise.Tensors.Scalars says why).
            using var weight = Weight.ToScalar();
            var dissimilarity = ImageMetrics.SsimOfBatch(output, target).mean().neg().add_(Scalars.One, Scalars.One);   // 1 - SSIM
            return F.mse_loss(output, target).add(dissimilarity.mul_(weight), Scalars.One);
        }
    }

    /// <summary>Writes a loss as its text form and reads it back through <see cref="Parse"/>.</summary>
    internal sealed class TextConverter : JsonConverter<DenoisingLoss>
    {
        public override DenoisingLoss Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? throw new JsonException("a loss must be a string such as \"bce\"");
            try
            {
                return Parse(text);
            }
            catch (FormatException e)
            {
                throw new JsonException(e.Message, e);
            }
        }

        public override void Write(Utf8JsonWriter writer, DenoisingLoss value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Name);
    }
}
