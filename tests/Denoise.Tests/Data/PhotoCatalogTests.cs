using Denoise.Data;
using Denoise.Tests.Metrics;

namespace Denoise.Tests.Data;

public sealed class PhotoCatalogTests
{
    [Fact]
    public void No_scene_is_in_both_parts()
    {
        var train = PhotoCatalog.Part(Split.Train).Select(f => f.Scene).ToHashSet();
        var test = PhotoCatalog.Part(Split.Test).Select(f => f.Scene).ToHashSet();

        Assert.Empty(train.Intersect(test));
        Assert.Equal(PhotoCatalog.Files.Count, PhotoCatalog.Part(Split.Train).Count + PhotoCatalog.Part(Split.Test).Count);
    }

    [Fact]
    public void The_held_out_photos_are_astronaut_camera_and_coffee_in_grey_and_colour()
    {
        var test = PhotoCatalog.Part(Split.Test);

        Assert.Equal(["astronaut", "camera", "coffee"], test.Select(f => f.Name));
        Assert.Contains(test, f => f.IsColor);
        Assert.Contains(test, f => !f.IsColor);
    }

    [Fact]
    public void Names_files_and_pins_are_unique()
    {
        Assert.Equal(PhotoCatalog.Files.Count, PhotoCatalog.Files.Select(f => f.Name).Distinct().Count());
        Assert.Equal(PhotoCatalog.Files.Count, PhotoCatalog.Files.Select(f => f.FileName).Distinct().Count());
        Assert.Equal(PhotoCatalog.Files.Count, PhotoCatalog.Files.Select(f => f.Sha256).Distinct().Count());
    }

    [Fact]
    public void An_unknown_name_lists_the_photos()
    {
        var e = Assert.Throws<ArgumentException>(() => PhotoCatalog.Find("lena"));

        Assert.StartsWith("no photo named 'lena' - the photos are astronaut, camera, coffee, brick,", e.Message);
    }

    [Fact]
    public void Pins_sizes_and_licences_are_what_scikit_image_itself_says()
    {
        // scikit-image's own registry of SHA-256 pins, its images as PIL decodes them, and its docstrings' licence sentences.
        using var python = new PythonReference();
        var printed = python.Run($$"""
            import re
            from PIL import Image
            import skimage.data as data
            from skimage.data._registry import registry
            for name, file in [{{string.Join(", ", PhotoCatalog.Files.Select(f => $"('{f.Name}', '{f.FileName}')"))}}]:
                with Image.open(os.path.join(data.__path__[0], file)) as image:
                    size, mode = f'{image.size[0]}x{image.size[1]}', image.mode
                doc = ' '.join(getattr(data, name).__doc__.split())
                licence = ' '.join(s for s in re.split(r'(?<=\.) ', doc) if re.search(r'CC0|public domain|copyright', s, re.IGNORECASE))
                print('\t'.join([name, registry['data/' + file], size, mode, licence]))
            """);
        var rows = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(r => r[0]);

        Assert.All(PhotoCatalog.Files, photo =>
        {
            var (pin, size, mode, docstring) = (rows[photo.Name][1], rows[photo.Name][2], rows[photo.Name][3], rows[photo.Name][4]);
            Assert.Equal(photo.Sha256, pin);
            Assert.Equal($"{photo.Width}x{photo.Height}", size);
            Assert.Equal(photo.IsColor ? "RGB" : "L", mode);
            // The licence we state is the one the docstring states.
            var claim = photo.Licence.Split(" (")[0];
            Assert.Contains(claim, docstring, StringComparison.OrdinalIgnoreCase);
        });
    }
}
