using System.Globalization;

namespace Denoise.Training;

/// <summary>
/// One epoch of training as Keras' History reports it: the mean training loss over all images, the validation loss
/// after the epoch, and the wall-clock seconds both took; with <see cref="TrainingOptions.QualityImages"/> also the
/// mean PSNR (dB) and SSIM of the denoised validation images it names; and the precision it computed in (null in files
/// written before there was a choice, which were all fp32).
/// </summary>
public sealed record EpochRecord(int Epoch, double Loss, double ValLoss, double Seconds, double? ValPsnr = null, double? ValSsim = null,
    Precision? Precision = null)
{
    /// <summary>One line in the manner of Keras' fit log: "epoch 3/20  loss 0.1012  val_loss 0.0998  21.4 s", with "  bf16" after an epoch in bf16.</summary>
    public string Describe(int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch}/{epochs}  loss {Loss:F4}  val_loss {ValLoss:F4}{(ValPsnr is { } psnr ? $"  val_psnr {psnr:F2}  val_ssim {ValSsim:F4}" : "")}  {Seconds:F1} s{(Precision == Training.Precision.BFloat16 ? "  bf16" : "")}");
}
