namespace Denoise.Data;

/// <summary>Which part of a data set: the 60000 training images or the 10000 test images.</summary>
public enum Split
{
    Train,
    Test,
}
