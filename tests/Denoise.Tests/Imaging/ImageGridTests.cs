using Denoise.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Denoise.Tests.Imaging;

[Collection("torch")]
public sealed class ImageGridTests
{
    private static readonly string[] Digits = ["7", "2", "1", "0", "4", "1", "4", "9", "5", "9"];

    private static Image<L8> Decode(byte[] png) => Image.Load<L8>(png);

    private static int DarkPixels(Image<L8> image, int left, int top, int right, int bottom)
    {
        var count = 0;
        for (var y = top; y < bottom; y++)
            for (var x = left; x < right; x++)
                if (image[x, y].PackedValue < 128) count++;
        return count;
    }

    [Fact]
    public void Png_size_follows_rows_columns_scale_gaps_and_label_width()
    {
        using var images = rand([10, 1, 28, 28], generator: new Generator(1));
        var grid = ImageGrid.Create(scale: 3, gap: 2, textScale: 2)
            .AddRow("clean", images, Digits)
            .AddRow("noisy", images)
            .AddRow("denoised", images);

        using var png = Decode(grid.ToPng());

        // Label column: "denoised" is 8 glyphs of 5 font pixels at text scale 2, plus one gap = 82.
        // Width: gap + 82 + 10 images of 28*3 + 9 gaps + gap = 2 + 82 + 840 + 18 + 2.
        // Height: gap + (84 + caption band 8*2) + 84 + 84 + 2 gaps + gap = 2 + 100 + 168 + 4 + 2.
        Assert.Equal(82, grid.LabelWidth);
        Assert.Equal((944, 276), (png.Width, png.Height));
        Assert.Equal((grid.Width, grid.Height), (png.Width, png.Height));
        Assert.Equal((3, 10), (grid.Rows, grid.Columns));
    }

    [Fact]
    public void Grid_without_labels_has_no_label_column()
    {
        using var images = rand([4, 5, 6], generator: new Generator(2));

        var grid = ImageGrid.Create(scale: 2, gap: 1).AddRow("", images);

        // 1 + 4 * 12 + 3 + 1 wide, 1 + 10 + 1 high.
        Assert.Equal((53, 12), (grid.Width, grid.Height));
        using var png = Decode(grid.ToPng());
        Assert.Equal((53, 12), (png.Width, png.Height));
    }

    [Fact]
    public void Row_label_draws_dark_pixels_in_the_label_area()
    {
        using var white = ones(3, 1, 28, 28);
        var grid = ImageGrid.Create().AddRow("clean", white).AddRow("", white);

        using var png = Decode(grid.ToPng());

        var cell = 28 * grid.Scale;
        var labelRight = grid.Gap + grid.LabelWidth;
        var firstTop = grid.Gap;
        var secondTop = firstTop + cell + grid.Gap;
        Assert.True(DarkPixels(png, 0, firstTop, labelRight, firstTop + cell) > 20);
        Assert.Equal(0, DarkPixels(png, 0, secondTop, labelRight, secondTop + cell));
    }

    [Fact]
    public void Captions_draw_dark_pixels_under_each_image()
    {
        using var white = ones(3, 1, 28, 28);
        var grid = ImageGrid.Create().AddRow("", white, ["0", "1", "2"]);

        using var png = Decode(grid.ToPng());

        var cell = 28 * grid.Scale;
        var bandTop = grid.Gap + cell;
        for (var i = 0; i < 3; i++)
        {
            var left = grid.Gap + i * (cell + grid.Gap);
            Assert.True(DarkPixels(png, left, bandTop, left + cell, bandTop + grid.CaptionHeight) > 10);
        }
    }

    [Fact]
    public void Images_are_drawn_as_they_are_each_pixel_a_scale_block()
    {
        using var image = tensor(new[] { 0f, 1f, 0.5f, 0.25f }).reshape(1, 2, 2);
        var grid = ImageGrid.Create(scale: 3, gap: 2).AddRow("", image);

        using var png = Decode(grid.ToPng());

        // Byte values: round(255 * v) with ties to even -> 0, 255, 128, 64.
        byte[,] expected = { { 0, 255 }, { 128, 64 } };
        for (var y = 0; y < 6; y++)
            for (var x = 0; x < 6; x++)
                Assert.Equal(expected[y / 3, x / 3], png[2 + x, 2 + y].PackedValue);
        Assert.Equal(255, png[1, 1].PackedValue); // the gap around the grid is white
    }

    [Fact]
    public void Rows_with_fewer_images_leave_the_rest_blank()
    {
        using var black = zeros(4, 28, 28);
        using var two = zeros(2, 28, 28);

        var grid = ImageGrid.Create(scale: 1, gap: 1).AddRow("", black).AddRow("", two);

        using var png = Decode(grid.ToPng());
        Assert.Equal(4, grid.Columns);
        var secondTop = 1 + 28 + 1;
        var thirdLeft = 1 + 2 * 29;
        Assert.Equal(0, DarkPixels(png, thirdLeft, secondTop, thirdLeft + 28, secondTop + 28));
        Assert.Equal(28 * 28, DarkPixels(png, 1, secondTop, 29, secondTop + 28));
    }

    [Fact]
    public void AddRow_returns_a_new_grid_and_leaves_the_old_one_unchanged()
    {
        using var images = zeros(2, 1, 8, 8);
        var empty = ImageGrid.Create();

        var one = empty.AddRow("a", images);
        var two = one.AddRow("b", images);

        Assert.Equal((0, 1, 2), (empty.Rows, one.Rows, two.Rows));
        Assert.Equal(["a", "b"], two.Labels);
    }

    [Fact]
    public void The_grid_keeps_its_pixels_after_the_tensor_is_disposed()
    {
        var images = ones(2, 1, 4, 4);
        var grid = ImageGrid.SingleRow("mean", images, ["0", "1"]);
        images.Dispose();

        using var png = Decode(grid.ToPng());

        Assert.Equal(255, png[grid.Gap + grid.LabelWidth, grid.Gap].PackedValue);
    }

    [Fact]
    public void FromRows_builds_the_same_grid_as_AddRow()
    {
        using var clean = rand([3, 1, 6, 6], generator: new Generator(3));
        using var noisy = rand([3, 1, 6, 6], generator: new Generator(4));

        var fromRows = ImageGrid.FromRows([("clean", clean), ("noisy", noisy)]);
        var added = ImageGrid.Create().AddRow("clean", clean).AddRow("noisy", noisy);

        Assert.Equal(added.ToPng(), fromRows.ToPng());
    }

    [Fact]
    public void Save_writes_the_png_to_the_path()
    {
        using var folder = new TempFolder();
        using var images = rand([2, 1, 5, 5], generator: new Generator(6));
        var grid = ImageGrid.SingleRow("x", images);
        var path = folder.File("grids/x.png");

        grid.Save(path);

        Assert.Equal(grid.ToPng(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.File("grids")));
    }

    [Fact]
    public void Images_of_another_size_are_rejected_naming_the_row()
    {
        using var small = zeros(2, 1, 28, 28);
        using var large = zeros(2, 1, 32, 32);
        var grid = ImageGrid.Create().AddRow("clean", small);

        var error = Assert.Throws<ArgumentException>(() => grid.AddRow("noisy", large));

        Assert.StartsWith("row 'noisy': images are 32x32 but the grid's are 28x28", error.Message);
    }

    [Fact]
    public void Caption_count_must_match_the_image_count()
    {
        using var images = zeros(3, 28, 28);

        var error = Assert.Throws<ArgumentException>(() => ImageGrid.SingleRow("mean", images, ["0", "1"]));

        Assert.StartsWith("row 'mean': 2 captions for 3 images", error.Message);
    }

    [Fact]
    public void Colour_images_and_huge_rows_are_rejected_with_advice()
    {
        using var colour = zeros(2, 3, 28, 28);
        using var all = zeros(1000, 1, 28, 28);

        var shapeError = Assert.Throws<ArgumentException>(() => ImageGrid.Create().AddRow("rgb", colour));
        var sizeError = Assert.Throws<ArgumentException>(() => ImageGrid.Create().AddRow("all", all));

        Assert.Contains("[2, 3, 28, 28]", shapeError.Message);
        Assert.Contains("images[..10]", sizeError.Message);
    }

    [Fact]
    public void An_empty_grid_cannot_be_rendered()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ImageGrid.Create().ToPng());

        Assert.Contains("AddRow", error.Message);
    }
}
