namespace Denoise.Data;

/// <summary>The data sets this project knows: both are 28x28 grey images in ten classes, 60000 train + 10000 test.</summary>
public enum DataSetKind
{
    /// <summary>Handwritten digits 0-9 (LeCun et al.), stored uncompressed in &lt;data&gt;/mnist.</summary>
    Mnist,

    /// <summary>Zalando's clothing images, stored as the .gz files Debian ships in &lt;data&gt;/fashion-mnist.</summary>
    FashionMnist,
}
