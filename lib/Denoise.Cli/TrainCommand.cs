using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using Spectre.Console;

namespace Denoise.Cli;

/// <summary>
/// `denoise train`: trains the autoencoder on (noisy → clean) MNIST pairs with a progress bar per epoch,
/// checkpoints after every epoch next to the output (Ctrl+C keeps the last one; --resume continues it)
/// and saves the model file atomically at the end.
/// </summary>
public static class TrainCommand
{
    /// <summary>What the data loader is asked for: the noise spec, the seed for the noise, and how many training images to use (null: all).</summary>
    public sealed record DataRequest(string Noise, long Seed, int? Limit);

    public const string DefaultOutput = "artifacts/models/autoencoder.dat";

    /// <param name="loadData">
    /// Makes the (noisy, clean) training and test pairs for a request; the command disposes the result.
    /// By default: MNIST from the data folder (tests pass tiny data instead).
    /// </param>
    public static Command Create(Func<DataRequest, CancellationToken, TrainingData>? loadData = null)
    {
        loadData ??= (request, _) => TrainingData.LoadMnist(NoiseSpec.Parse(request.Noise), request.Seed, request.Limit);
        var defaults = new TrainingOptions();
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train in total (with --resume: the new total).", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch") { Description = "Images per batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var noise = new Option<string>("--noise") { Description = "Noise added to the inputs, e.g. gaussian:0.5.", DefaultValueFactory = _ => defaults.Noise };
        var seed = new Option<long>("--seed") { Description = "Seed for initial weights, noise and shuffling.", DefaultValueFactory = _ => defaults.Seed };
        var output = new Option<string>("--output") { Description = "Where to save the trained model (the checkpoint goes to <output>.checkpoint).", DefaultValueFactory = _ => DefaultOutput };
        var resume = new Option<bool>("--resume") { Description = "Continue from <output>.checkpoint instead of starting afresh." };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only (quick runs)." };

        var command = new Command("train", "Train the denoising autoencoder on noisy MNIST and save it.")
        {
            epochs, batch, noise, seed, output, resume, limit,
        };
        command.SetAction(parsed =>
        {
            var outputPath = parsed.GetValue(output)!;
            var checkpointPath = outputPath + ".checkpoint";
            var writer = parsed.InvocationConfiguration.Output;
            // Spectre draws only the live bars; plain lines go to the writer so they never wrap at a guessed width.
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
            if (parsed.GetValue(limit) is < 1 and var badLimit)
                throw new ArgumentException($"--limit must be at least 1, got {badLimit}");
            NoiseSpec.Parse(parsed.GetValue(noise)!); // a bad spec fails here, before anything is written

            using var trainer = parsed.GetValue(resume)
                ? Resume(parsed, checkpointPath, epochs, [(batch, "BatchSize"), (noise, "Noise"), (seed, "Seed")], writer)
                : Start(new TrainingOptions
                {
                    Epochs = parsed.GetValue(epochs),
                    BatchSize = parsed.GetValue(batch),
                    Noise = parsed.GetValue(noise)!,
                    Seed = parsed.GetValue(seed),
                }, checkpointPath, writer);
            using var model = trainer.Model;
            var options = trainer.Options;
            if (trainer.CompletedEpochs < options.Epochs)
            {
                using var cancel = new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) =>
                {
                    // Stop at the next batch boundary instead of killing the process mid-write.
                    e.Cancel = true;
                    cancel.Cancel();
                };
                Console.CancelKeyPress += onCancel;
                try
                {
                    using var data = loadData(new DataRequest(options.Noise, options.Seed, parsed.GetValue(limit)), cancel.Token);
                    Train(trainer, data, checkpointPath, console, writer, cancel.Token);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    throw new OperationCanceledException(trainer.CompletedEpochs == 0
                        ? "training cancelled during epoch 1; nothing saved"
                        : $"training cancelled; {checkpointPath} holds epoch {trainer.CompletedEpochs} - continue with ./denoise train --resume");
                }
                finally
                {
                    Console.CancelKeyPress -= onCancel;
                }
            }

            ModelFile.Save(outputPath, model, trainer.Metadata());
            var last = trainer.History.Last;
            writer.WriteLine(last is null
                ? $"saved {outputPath}"
                : string.Create(CultureInfo.InvariantCulture, $"saved {outputPath} ({trainer.CompletedEpochs} epoch{(trainer.CompletedEpochs == 1 ? "" : "s")}, loss {last.Loss:F4}, val_loss {last.ValLoss:F4}, {trainer.History.TotalSeconds:F0} s in total)"));
            return 0;
        });
        return command;
    }

    private static Trainer Start(TrainingOptions options, string checkpointPath, TextWriter writer)
    {
        options.Validate();
        if (File.Exists(checkpointPath))
            writer.WriteLine($"note: starting afresh; {checkpointPath} will be replaced after epoch 1 (use --resume to continue it)");
        var model = new ConvAutoencoder(options.Seed);
        try
        {
            return new Trainer(model, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static Trainer Resume(ParseResult parsed, string checkpointPath, Option<int> epochs,
        IEnumerable<(Option Option, string Property)> fixedByCheckpoint, TextWriter writer)
    {
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"{checkpointPath}: no checkpoint to resume from - train without --resume first", checkpointPath);
        var saved = Trainer.ReadCheckpoint(checkpointPath);
        // The data and the shuffles must be those of the interrupted run; a different value given here would silently not apply.
        foreach (var (option, property) in fixedByCheckpoint)
        {
            if (parsed.GetResult(option) is not { Implicit: false } given) continue;
            var value = Convert.ToString(given.GetValueOrDefault<object>(), CultureInfo.InvariantCulture);
            var savedValue = Convert.ToString(typeof(TrainingOptions).GetProperty(property)!.GetValue(saved.Options), CultureInfo.InvariantCulture);
            if (value != savedValue)
                throw new ArgumentException($"{checkpointPath} was trained with {option.Name} {savedValue}, not {value}; drop {option.Name} or train afresh without --resume");
        }

        var total = parsed.GetResult(epochs) is { Implicit: false } ? parsed.GetValue(epochs) : saved.Options.Epochs;
        writer.WriteLine($"resuming {checkpointPath} after epoch {saved.CompletedEpochs} of {total} (noise {saved.Options.Noise}, seed {saved.Options.Seed}, batch {saved.Options.BatchSize})");
        return Trainer.Resume(checkpointPath, total);
    }

    private static void Train(Trainer trainer, TrainingData data, string checkpointPath, IAnsiConsole console, TextWriter writer, CancellationToken cancel)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            // Logs and pipes get one line per epoch and no redraws.
            trainer.Fit(data, new EpochLog(writer), checkpointPath, cancel);
            return;
        }

        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                trainer.Fit(data, new Inline(p =>
                {
                    task ??= context.AddTask($"epoch {p.Epoch}/{p.Epochs}", maxValue: p.Batches);
                    task.Value = p.Batch;
                    if (p.Batch == p.Batches && p.Completed is null)
                        task.Description = $"epoch {p.Epoch}/{p.Epochs}  validating";
                    if (p.Completed is { } record)
                    {
                        // The finished bar keeps the epoch's numbers, so the table reads like Keras' fit log.
                        task.Description = Markup.Escape(record.Describe(p.Epochs));
                        task.StopTask();
                        task = null;
                    }
                }), checkpointPath, cancel);
            });
    }

    /// <summary>Reports on the training thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
