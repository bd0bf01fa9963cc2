namespace Denoise.Data;

/// <summary>Where the test digits sit in the images a model is scored on (<see cref="DigitLayouts"/>).</summary>
public enum DigitLayout
{
    /// <summary>The test set as MNIST gives it: one digit centred in each 28 × 28 frame.</summary>
    Centred,

    /// <summary>The same digits, each moved by up to <see cref="DigitLayouts.MaxShift"/> pixels in each direction, black filling in.</summary>
    Shifted,

    /// <summary>House-number strips: three to five test digits side by side on a wider canvas, at varied spacing, height and scale.</summary>
    Strips,
}
