// Trains the stronger model's recipe while another thread collects garbage in a loop: the race that a scalar made for
// one libtorch call loses to the finalizer thread (lib/Denoise/Tensors/Scalars.cs) then shows within seconds instead of
// once in thousands of steps. Exit 0 after the minutes given; a lost race aborts the process with libtorch's error.
//   dotnet run --project bench/GcStress -c Release -- [minutes, default 6]
// Measured 2026-11-28 (2 cores, AMD EPYC): before the scalars were held, aborted after 5 and 10 s ("Expected false to
// be true" from c10's Scalar::toFloat and ::type); after, 37 epochs (about 3,700 steps) in 6 minutes without one.
using System.Diagnostics;
using System.Globalization;
using Denoise.Data;
using Denoise.Models;
using Denoise.Training;

var minutes = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 6;
Environment.CurrentDirectory = DataFolder.FindRepoRoot(AppContext.BaseDirectory)
    ?? throw new InvalidOperationException($"no repository above {AppContext.BaseDirectory}");
var collections = 0L;
new Thread(() =>
{
    while (true)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Interlocked.Increment(ref collections);
    }
})
{ IsBackground = true }.Start();

var options = Architectures.Get(UNet.ArchitectureName).Recipe with { Seed = 42, Minutes = minutes, Limit = 8192, QualityImages = 256 };
var clock = Stopwatch.StartNew();
using var model = new UNet(42);
var folder = Directory.CreateTempSubdirectory("gc-stress-");
try
{
    var history = Trainer.TrainAndSave(model, options, Path.Combine(folder.FullName, "unet.dat"), progress: null);
    Console.WriteLine($"{history.Count} epochs in {clock.Elapsed.TotalMinutes:F1} minutes, {Interlocked.Read(ref collections):N0} garbage collections forced, no lost scalar");
}
finally
{
    folder.Delete(recursive: true);
}
