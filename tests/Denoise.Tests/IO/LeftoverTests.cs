using System.Diagnostics;
using Denoise.Imaging;
using Denoise.IO;
using static TorchSharp.torch;

namespace Denoise.Tests.IO;

/// <summary>Our own temp files left by a killed run are removed by the next write in that folder; nothing else is.</summary>
[Collection("torch")]
public sealed class LeftoverTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static int ExitedProcessId()
    {
        using var process = Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }

    string Leftover(string name, DateTime? modified = null)
    {
        var path = _temp.File(name);
        File.WriteAllText(path, "half a file");
        if (modified is { } time)
            File.SetLastWriteTimeUtc(path, time);
        return path;
    }

    [Fact]
    public void A_temp_file_of_a_writer_that_is_gone_is_removed_by_the_next_write()
    {
        var left = Leftover(AtomicFile.TempName("digit.png", ExitedProcessId()));

        AtomicFile.WriteAllBytes(_temp.File("other.png"), [1]);

        Assert.False(File.Exists(left));
        Assert.Equal(["other.png"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_old_style_temp_file_untouched_for_an_hour_is_removed_by_the_next_image_saved_there()
    {
        var left = Leftover($".digit.png.{Guid.NewGuid():N}.tmp", DateTime.UtcNow.AddHours(-2));
        using var image = zeros(1, 4, 4);

        GrayImage.Save(image, _temp.File("other.png"));

        Assert.False(File.Exists(left));
    }

    [Fact]
    public void Temp_files_that_may_still_be_written_and_files_not_ours_are_kept()
    {
        string[] kept =
        [
            Leftover(AtomicFile.TempName("live.png", Environment.ProcessId)),
            Leftover(AtomicFile.TempName("init.png", 1)),
            Leftover($".young.png.{Guid.NewGuid():N}.tmp", DateTime.UtcNow.AddMinutes(-5)),
            Leftover($".far.png.{Guid.NewGuid():N}.{ExitedProcessId()}-{(AtomicFile.HostTag == "00000000" ? "11111111" : "00000000")}.tmp"),
            Leftover(".notes.tmp", DateTime.UtcNow.AddDays(-3)),
            Leftover("draft.tmp", DateTime.UtcNow.AddDays(-3)),
            Leftover($".x.{Guid.NewGuid():N}.tmp.bak", DateTime.UtcNow.AddDays(-3)),
            Leftover($".huge.png.{Guid.NewGuid():N}.99999999999-{AtomicFile.HostTag}.tmp"),
        ];

        var removed = AtomicFile.RemoveLeftovers(_temp.Path, DateTime.UtcNow);

        Assert.Equal(0, removed);
        Assert.All(kept, path => Assert.True(File.Exists(path), path));
    }

    [Fact]
    public void A_temp_file_is_kept_while_its_writer_runs_and_removed_once_it_is_killed()
    {
        using var writer = Process.Start("sleep", ["60"])!;
        var left = Leftover(AtomicFile.TempName("model.dat", writer.Id));

        Assert.Equal(0, AtomicFile.RemoveLeftovers(_temp.Path, DateTime.UtcNow));
        writer.Kill();
        writer.WaitForExit();
        Assert.Equal(1, AtomicFile.RemoveLeftovers(_temp.Path, DateTime.UtcNow));

        Assert.False(File.Exists(left));
    }

    [Fact]
    public void A_write_leaves_nothing_but_its_file()
    {
        AtomicFile.WriteAllBytes(_temp.File("a.bin"), [1, 2]);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(_temp.File("b.bin"), _ => throw new InvalidOperationException("writer failed")));

        Assert.Equal(["a.bin"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }
}
