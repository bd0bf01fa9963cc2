using System.CommandLine;
using System.Text.Json;
using Denoise.Cli;
using Denoise.Data;
using Denoise.IO;

namespace Denoise.Tests.Data;

public sealed class DataCommandTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand("test") { DataCommand.Create() };
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = CommandRunner.Run(root, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Info_describes_an_images_file()
    {
        var path = _temp.File("images-idx3-ubyte");
        IdxFile.Write(path, [3, 28, 28], Samples.ImageBytes(3));

        var (exit, output, error) = Run("data", "info", path);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Matches(@"kind\s+images", output);
        Assert.Matches(@"shape\s+3x28x28", output);
        Assert.Matches(@"count\s+3\n", output);
        Assert.Contains(Checksum.OfFile(path), output);
    }

    [Fact]
    public void Info_json_is_one_object_with_the_header_fields()
    {
        var path = _temp.File("labels-idx1-ubyte.gz");
        IdxFile.Write(path, [4], new byte[] { 1, 2, 3, 4 });

        var (exit, output, _) = Run("data", "info", path, "--json");

        Assert.Equal(0, exit);
        Assert.Single(output.Trim().Split('\n'));
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("labels", json.GetProperty("kind").GetString());
        Assert.Equal("ubyte", json.GetProperty("elementType").GetString());
        Assert.Equal([4], json.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(4, json.GetProperty("count").GetInt32());
        Assert.Equal(Checksum.OfFile(path), json.GetProperty("sha256").GetString());
    }

    [Fact]
    public void Info_on_a_truncated_file_prints_one_line_and_fails()
    {
        var path = _temp.File("train-images-idx3-ubyte");
        File.WriteAllBytes(path, Samples.RawIdx(0x08, [60000, 28, 28], 1000));

        var (exit, output, error) = Run("data", "info", path);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("denoise: train-images-idx3-ubyte: truncated", error);
    }

    [Fact]
    public void Info_on_a_missing_file_prints_one_line_and_fails()
    {
        var (exit, _, error) = Run("data", "info", _temp.File("absent"));

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("absent: file not found", error);
    }

    [Fact]
    public void Fetch_into_a_data_dir_that_is_a_file_fails_with_one_line_naming_it()
    {
        var file = _temp.File("data");
        File.WriteAllText(file, "x");

        var (exit, _, error) = Run("data", "fetch", "--data-dir", file);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Equal($"denoise: {file}: the data folder is a file, not a folder - set DENOISE_DATA (or --data-dir) to the folder that holds mnist/ and fashion-mnist/", error.Trim());
    }

    [Fact]
    public void Info_on_a_folder_fails_with_one_line_saying_what_it_is()
    {
        var folder = Directory.CreateDirectory(_temp.File("t10k-images-idx3-ubyte")).FullName;

        var (exit, _, error) = Run("data", "info", folder);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Equal($"denoise: {folder}: is a folder, not a regular file - give the path of a file", error.Trim());
    }
    [Fact]
    public void Fetch_photos_copies_them_from_the_folder_given_and_lists_them()
    {
        var target = _temp.File("data");
        var source = Path.Combine(DataFolder.Resolve(), PhotoCatalog.FolderName);

        var (exit, output, error) = Run("data", "fetch", "photos", "--data-dir", target, "--from", source);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal(PhotoCatalog.Files.Count, System.Text.RegularExpressions.Regex.Matches(output, " copied ").Count);
        Assert.Contains("astronaut", output);
        Assert.DoesNotContain("MNIST", output);
        Assert.All(PhotoCatalog.Files, f => Assert.True(File.Exists(f.PathIn(target))));
    }

    [Fact]
    public void Fetch_photos_without_their_source_fails_with_one_line_saying_what_to_do()
    {
        var source = Directory.CreateDirectory(_temp.File("nothing")).FullName;

        var (exit, _, error) = Run("data", "fetch", "photos", "--data-dir", _temp.File("data"), "--from", source);

        Assert.Equal(CommandRunner.Failure, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"denoise: {Path.Combine(source, "astronaut.png")} not found", error);
        Assert.Contains("--from FOLDER", error);
    }

    [Fact]
    public void Fetch_of_an_unknown_set_is_a_one_line_usage_error()
    {
        var (exit, _, error) = Run("data", "fetch", "faces");

        Assert.Equal(CommandRunner.UsageError, exit);
        Assert.Equal("denoise: data fetch: unknown set 'faces' - give digits or photos, or nothing for both (see 'denoise --help')", error.Trim());
    }
    [Fact]
    public void Fetch_without_a_set_verifies_the_digits_and_copies_the_photos_from_python3_skimage()
    {
        // The digits from the real data folder (no network in tests); the photos from Debian's package, as setup runs it.
        var target = _temp.File("data");
        foreach (var file in DataCatalog.Files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.PathIn(target))!);
            File.Copy(file.PathIn(DataFolder.Resolve()), file.PathIn(target));
        }

        var (exit, output, error) = Run("data", "fetch", "--data-dir", target);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal(DataCatalog.Files.Count, System.Text.RegularExpressions.Regex.Matches(output, " verified ").Count);
        Assert.Equal(PhotoCatalog.Files.Count, System.Text.RegularExpressions.Regex.Matches(output, " copied ").Count);
    }
}
