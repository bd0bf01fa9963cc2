namespace Denoise.Data;

/// <summary>One pinned file of a data set: where it lives under the data folder and its SHA-256 as stored there.</summary>
/// <param name="IsLabels">True for the labels file, false for the images file.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file exactly as stored (compressed for Fashion-MNIST).</param>
public sealed record DataFile(DataSetKind Kind, Split Split, bool IsLabels, string FileName, string Sha256)
{
    /// <summary>The path below the data folder, e.g. "mnist/train-images-idx3-ubyte".</summary>
    public string RelativePath => Path.Combine(DataCatalog.FolderName(Kind), FileName);

    /// <summary>The full path of this file inside the given data folder.</summary>
    public string PathIn(string dataFolder) => Path.Combine(dataFolder, RelativePath);
}
