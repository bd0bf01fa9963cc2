namespace Denoise.Data;

/// <summary>
/// The data sets this project knows: two sets of 28x28 grey images in ten classes, 60000 train + 10000 test, and the
/// photographs (<see cref="PhotoCatalog"/>), split by scene into training and test photos.
/// </summary>
public enum DataSetKind
{
    /// <summary>Handwritten digits 0-9 (LeCun et al.), stored uncompressed in &lt;data&gt;/mnist.</summary>
    Mnist,

    /// <summary>Zalando's clothing images, stored as the .gz files Debian ships in &lt;data&gt;/fashion-mnist.</summary>
    FashionMnist,

    /// <summary>scikit-image's sample photographs (<see cref="PhotoCatalog"/>), in &lt;data&gt;/photos.</summary>
    Photos,
}
