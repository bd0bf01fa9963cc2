namespace Denoise.Data;

/// <summary>
/// The photographs: scikit-image's sample images that are photographs under a licence that lets us use them (its
/// docstrings say which), pinned by SHA-256, split by scene into training and test photos.
/// </summary>
/// <remarks>
/// Left out, although in the same folder: <c>moon</c> and the <c>motorcycle_left</c>/<c>motorcycle_right</c> stereo pair
/// (Middlebury 2014), whose docstrings state no licence; <c>page</c> and <c>text</c> (a scan and a drawing, not
/// photographs); <c>clock_motion</c> (deliberately motion-blurred); <c>cell</c> (a quantitative phase image);
/// <c>microaneurysms</c> (a 102 x 102 crop); drawings and test patterns.
/// </remarks>
public static class PhotoCatalog
{
    /// <summary>The sub-folder of the data folder that holds the photos.</summary>
    public const string FolderName = "photos";

    /// <summary>Where Debian's python3-skimage installs scikit-image's sample images.</summary>
    public const string SystemFolder = "/usr/lib/python3/dist-packages/skimage/data";

    /// <summary>The photos, test photos first, then training photos, each part by name.</summary>
    public static IReadOnlyList<PhotoFile> Files { get; } =
    [
        new("astronaut", "astronaut.png", "astronaut", Split.Test, true, 512, 512,
            "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
            "public domain (NASA: Eileen Collins; no known copyright restrictions)"),
        new("camera", "camera.png", "camera", Split.Test, false, 512, 512,
            "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a",
            "CC0 (photographer Lav Varshney)"),
        new("coffee", "coffee.png", "coffee", Split.Test, true, 600, 400,
            "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
            "CC0 (photographer Rachel Michetti; courtesy of Pikolo Espresso Bar)"),
        new("brick", "brick.png", "brick", Split.Train, false, 512, 512,
            "7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf",
            "CC0 (CC0Textures, Bricks25)"),
        new("chelsea", "chelsea.png", "chelsea", Split.Train, true, 451, 300,
            "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
            "CC0 (photographer Stefan van der Walt)"),
        new("coins", "coins.png", "coins", Split.Train, false, 384, 303,
            "f8d773fc9cfa6f4d8e5942dc34d0a0788fcaed2a4fefbbed0aef5398d7ef4cba",
            "no known copyright restrictions (Brooklyn Museum collection)"),
        new("grass", "grass.png", "grass", Split.Train, false, 512, 512,
            "b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89",
            "CC0 (DeviantArt, linolafett: Grass 01)"),
        new("gravel", "gravel.png", "gravel", Split.Train, false, 512, 512,
            "c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12",
            "CC0 (CC0Textures, Gravel04)"),
        new("hubble_deep_field", "hubble_deep_field.jpg", "hubble_deep_field", Split.Train, true, 1000, 872,
            "3a19c5dd8a927a9334bb1229a6d63711b1c0c767fb27e2286e7c84a3e2c2f5f4",
            "public domain (NASA, HubbleSite)"),
        new("immunohistochemistry", "ihc.png", "immunohistochemistry", Split.Train, true, 512, 512,
            "f8dd1aa387ddd1f49d8ad13b50921b237df8e9b262606d258770687b0ef93cef",
            "no known copyright restrictions (Center for Microscopy And Molecular Imaging)"),
        new("retina", "retina.jpg", "retina", Split.Train, true, 1411, 1411,
            "38a07f36f27f095e818aea7b96d34202c05176d30253c66733f2e00379e9e0e6",
            "CC0 (Mikael Häggström, Wikimedia Commons)"),
        new("rocket", "rocket.jpg", "rocket", Split.Train, true, 640, 427,
            "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c",
            "public domain (SpaceX)"),
    ];

    /// <summary>The photos of one part: <see cref="Split.Train"/> to learn from, <see cref="Split.Test"/> to score on.</summary>
    public static IReadOnlyList<PhotoFile> Part(Split split) => Files.Where(f => f.Split == split).ToList();

    /// <summary>The photo scikit-image calls <paramref name="name"/> ("camera").</summary>
    /// <exception cref="ArgumentException">No photo has that name; the message lists the names.</exception>
    public static PhotoFile Find(string name) =>
        Files.SingleOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"no photo named '{name}' - the photos are {string.Join(", ", Files.Select(f => f.Name))}", nameof(name));

    /// <summary>What to do when scikit-image's sample images are not where we look: one sentence for error messages.</summary>
    public const string InstallAdvice =
        "install scikit-image's sample images (Debian: apt-get install python3-skimage; elsewhere: pip install scikit-image) " +
        "or pass --from FOLDER, the folder that holds them (pip: python -c \"import skimage.data, os; print(os.path.dirname(skimage.data.__file__))\")";
}
