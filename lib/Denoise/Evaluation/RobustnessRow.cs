namespace Denoise.Evaluation;

/// <summary>One method's mean scores under one noise (a row of <see cref="Robustness.Rows"/>).</summary>
public sealed record RobustnessRow(string Noise, string Method, double PsnrDb, double Ssim);
