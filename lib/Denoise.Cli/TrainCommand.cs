using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Denoise.Data;
using Denoise.Models;
using Denoise.Noise;
using Denoise.Training;
using Spectre.Console;

namespace Denoise.Cli;

/// <summary>
/// `denoise train`: trains a registered architecture on (noisy → clean) pairs with a progress bar per epoch,
/// checkpoints after every epoch next to the output (Ctrl+C keeps the last one; --resume continues it)
/// and saves the model file atomically at the end. Settings not given come from the architecture's recipe.
/// </summary>
public static class TrainCommand
{
    /// <summary>Where trained models go unless --output says otherwise, each under its <see cref="ModelFileName"/>.</summary>
    public const string DefaultFolder = "artifacts/models";

    /// <param name="loadData">
    /// Makes what a run with these options trains and validates on; the command disposes the result.
    /// By default: <see cref="RunData.Load"/> from the data folder, digits or photos (tests pass tiny data instead).
    /// </param>
    /// <param name="stop">Stops training like Ctrl+C does (for hosts and tests).</param>
    /// <param name="modelsFolder">Where a model goes without --output (hosts and tests may choose another folder).</param>
    public static Command Create(Func<TrainingOptions, CancellationToken, IRunData>? loadData = null, CancellationToken stop = default,
        string modelsFolder = DefaultFolder)
    {
        loadData ??= (options, _) => RunData.Load(options);
        var arch = new Option<string>("--arch") { Description = $"The architecture to train: {Architectures.Names}.", DefaultValueFactory = _ => ConvAutoencoder.ArchitectureName };
        var output = new Option<string?>("--output") { Description = $"Where to save the trained model (the checkpoint goes to <output>.checkpoint). Default: {DefaultFolder}/<name>.dat, named after what it holds: {ModelFileName.Rule}." };
        var resume = new Option<bool>("--resume") { Description = "Continue from <output>.checkpoint with its settings instead of starting afresh." };
        var epochs = TypedOptions.Whole("--epochs", "Epochs to train in total (with --resume: the new total).", 1, TrainingOptions.MaxEpochs);
        TrainSetting[] settings =
        [
            Setting(TypedOptions.DataSet("The data set to train on (its training split) and validate on (its test split): mnist, fashion-mnist, or photos (random patches of the training photos; tiles of the test photos)."),
                nameof(TrainingOptions.DataSet), o => o.DataSet, (o, v) => o with { DataSet = v }),
            Setting(TypedOptions.OptionalWhole("--limit", "Train on the first N training images only (quick runs; digits only).", 1, DataCatalog.ImageCount(Split.Train)),
                nameof(TrainingOptions.Limit), o => o.Limit, (o, v) => o with { Limit = v }),
            Setting(TypedOptions.Whole("--patch", "Photos: the side of the square training patches, in pixels.", 8, TrainingOptions.MaxPatchSize),
                nameof(TrainingOptions.PatchSize), o => o.PatchSize, (o, v) => o with { PatchSize = v }),
            Setting(TypedOptions.Whole("--batches-per-epoch", "Photos: batches of random patches in one epoch.", 1, TrainingOptions.MaxBatchesPerEpoch),
                nameof(TrainingOptions.BatchesPerEpoch), o => o.BatchesPerEpoch, (o, v) => o with { BatchesPerEpoch = v }),
            Setting(TypedOptions.Noise("Noise added to the inputs."),
                nameof(TrainingOptions.Noise), o => o.Noise, (o, v) => o with { Noise = v }),
            Setting(TypedOptions.Whole("--seed", "Seed for initial weights, noise and shuffling.", long.MinValue, long.MaxValue),
                nameof(TrainingOptions.Seed), o => o.Seed, (o, v) => o with { Seed = v }),
            Setting(epochs, nameof(TrainingOptions.Epochs), o => o.Epochs, (o, v) => o with { Epochs = v, Minutes = null }),
            Setting(TypedOptions.OptionalReal("--minutes", "A time budget: the epochs that end nearest it are chosen at the start (by timing a few steps), planned again after every epoch from the epochs' times, and recorded in the model file.", 0, TrainingOptions.MaxMinutes),
                nameof(TrainingOptions.Minutes), o => o.Minutes, (o, v) => o with { Minutes = v }),
            Setting(TypedOptions.Whole("--batch", "Images per batch.", 1, TrainingOptions.MaxBatchSize),
                nameof(TrainingOptions.BatchSize), o => o.BatchSize, (o, v) => o with { BatchSize = v }),
            Setting(TypedOptions.Loss("The loss to minimise."),
                nameof(TrainingOptions.Loss), o => o.Loss, (o, v) => o with { Loss = v }),
            Setting(TypedOptions.Real("--lr", "Adam's learning rate (the peak, with a schedule); rates above about 1 diverge, and training then stops.", 0, TrainingOptions.MaxLearningRate),
                nameof(TrainingOptions.LearningRate), o => o.LearningRate, (o, v) => o with { LearningRate = v }),
            Setting(TypedOptions.Schedule("The learning rate over the run: constant, or cosine (a warm-up over the first 3 % of the steps, then down to zero at the last step)."),
                nameof(TrainingOptions.Schedule), o => o.Schedule, (o, v) => o with { Schedule = v }),
            Setting(new Option<bool>("--fresh-noise") { Description = "Draw new noise for every batch instead of once for the training set." },
                nameof(TrainingOptions.FreshNoise), o => o.FreshNoise, (o, v) => o with { FreshNoise = v }),
            Setting(TypedOptions.Precision("The arithmetic of training, validation and scores (master weights and Adam stay fp32)."),
                nameof(TrainingOptions.Precision), o => o.Precision, (o, v) => o with { Precision = v }),
            Setting(TypedOptions.Fraction("--ema", "Keep an exponential moving average of the weights with this decay per step (0: none; e.g. 0.999), and validate and save the average.", 0, 1),
                nameof(TrainingOptions.EmaDecay), o => o.EmaDecay, (o, v) => o with { EmaDecay = v }),
            Setting(TypedOptions.Augmentation("How each batch's digits are moved (up to PIXELS each way, black filling in), scaled and set in strips of several digits before the noise goes on, drawn afresh for every batch (needs --fresh-noise)."),
                nameof(TrainingOptions.Augmentation), o => o.Augmentation, (o, v) => o with { Augmentation = v }),
        ];

        var command = new Command("train", "Train a denoiser on noisy images and save it (settings not given come from the architecture's recipe).")
        {
            arch, output, resume,
        };
        foreach (var setting in settings)
            command.Options.Add(setting.Option);

        command.SetAction(parsed =>
        {
            // Both files are checked before anything is loaded or trained: a bad name must not cost an epoch.
            var outputPath = OutputFile.Check(output.Name, parsed.GetValue(output) ?? DefaultOutput(parsed, modelsFolder, arch, settings), OutputFile.Model);
            var checkpointPath = OutputFile.Check(output.Name, outputPath + ".checkpoint", OutputFile.Checkpoint);
            var writer = parsed.InvocationConfiguration.Output;
            // Spectre draws only the live bars; plain lines go to the writer so they never wrap at a guessed width.
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });

            using var trainer = NamingTheOption(settings, () => parsed.GetValue(resume)
                ? Resume(parsed, checkpointPath, arch, settings, writer)
                : Start(parsed, checkpointPath, arch, settings, writer));
            using var model = trainer.Model;
            var options = trainer.Options;
            if (trainer.CompletedEpochs < trainer.PlannedEpochs)
            {
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
                ConsoleCancelEventHandler onCancel = (_, e) =>
                {
                    // Stop at the next batch boundary instead of killing the process mid-write.
                    e.Cancel = true;
                    cancel.Cancel();
                };
                Console.CancelKeyPress += onCancel;
                try
                {
                    using var data = loadData(options, cancel.Token);
                    Train(trainer, data, checkpointPath, console, writer, cancel.Token);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    throw new OperationCanceledException(trainer.CompletedEpochs == 0
                        ? "training cancelled during epoch 1; nothing saved"
                        : $"training cancelled; {checkpointPath} holds epoch {trainer.CompletedEpochs} - continue with ./denoise train --resume --output {outputPath}");
                }
                catch (TrainingDivergedException e)
                {
                    // The option to change is --lr; a resumed run keeps its own, so the advice is to start afresh.
                    var kept = trainer.CompletedEpochs == 0
                        ? "nothing saved"
                        : $"{checkpointPath} still holds epoch {trainer.CompletedEpochs}, from before";
                    throw new ArgumentException(
                        $"{e.What}: training diverged - train again with a lower --lr than {TypedOptions.Number(options.LearningRate)}; {kept}", e);
                }
                finally
                {
                    Console.CancelKeyPress -= onCancel;
                }
            }

            ModelFile.Save(outputPath, trainer.Result, trainer.Metadata());
            if (trainer.Precision is { } precision && options.Precision == Precision.Auto)
                writer.WriteLine($"precision {precision}");
            if (trainer.BudgetPlan is { } plan)
                writer.WriteLine(plan);
            var last = trainer.History.Last;
            writer.WriteLine(last is null
                ? $"saved {outputPath}"
                : string.Create(CultureInfo.InvariantCulture, $"saved {outputPath} ({trainer.CompletedEpochs} epoch{(trainer.CompletedEpochs == 1 ? "" : "s")}, loss {last.Loss:F4}, val_loss {last.ValLoss:F4}, {trainer.History.TotalSeconds:F0} s in total)"));
            return 0;
        });
        return command;
    }

    private static TrainSetting<T> Setting<T>(Option<T> option, string property, Func<TrainingOptions, T> get, Func<TrainingOptions, T, TrainingOptions> set) =>
        new(option, property, get, set);

    /// <summary>Runs <paramref name="build"/>; a setting it rejects is reported under the option the user typed.</summary>
    private static Trainer NamingTheOption(IEnumerable<TrainSetting> settings, Func<Trainer> build)
    {
        try
        {
            return build();
        }
        catch (InvalidTrainingOptionException e) when (settings.FirstOrDefault(s => s.Property == e.Setting) is { } setting)
        {
            throw new ArgumentException($"{setting.Option.Name} {e.Problem}", e);
        }
    }

    /// <summary>
    /// The options the command line asks for: the architecture's recipe with the settings given. With --resume the same
    /// settings name the same default output, so the checkpoint of the run they started is found.
    /// </summary>
    private static TrainingOptions Requested(ParseResult parsed, Architecture architecture, IEnumerable<TrainSetting> settings) =>
        settings.Where(s => s.IsGiven(parsed)).Aggregate(architecture.Recipe, (o, s) => s.Apply(parsed, o));

    /// <summary>The output when none is given: the models folder, and a name after what the model holds.</summary>
    private static string DefaultOutput(ParseResult parsed, string folder, Option<string> arch, IEnumerable<TrainSetting> settings)
    {
        var architecture = Architectures.Get(parsed.GetValue(arch)!);
        return Path.Combine(folder, ModelFileName.For(architecture.Name, Requested(parsed, architecture, settings)));
    }

    private static Trainer Start(ParseResult parsed, string checkpointPath, Option<string> arch, IEnumerable<TrainSetting> settings, TextWriter writer)
    {
        var architecture = Architectures.Get(parsed.GetValue(arch)!);
        var given = settings.Where(s => s.IsGiven(parsed)).ToList();
        if (given.Any(s => s.Property == nameof(TrainingOptions.Epochs)) && given.Any(s => s.Property == nameof(TrainingOptions.Minutes)))
            throw new ArgumentException("give --epochs or --minutes, not both: a time budget chooses the epochs");
        var options = Requested(parsed, architecture, settings);
        options.Validate();
        if (File.Exists(checkpointPath))
            writer.WriteLine($"note: starting afresh; {checkpointPath} will be replaced after epoch 1 (use --resume to continue it)");
        var model = architecture.Create(options.Seed);
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

    /// <summary>
    /// The checkpoint's run, continued: every setting comes from the checkpoint, so the data, noise and shuffles are
    /// those of the interrupted run; an option given with another value is refused rather than silently ignored,
    /// except --epochs, which sets the new total.
    /// </summary>
    private static Trainer Resume(ParseResult parsed, string checkpointPath, Option<string> arch, IEnumerable<TrainSetting> settings, TextWriter writer)
    {
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"{checkpointPath}: no checkpoint to resume from - train without --resume first", checkpointPath);
        var saved = Checkpoint.Read(checkpointPath);
        var run = saved.Training!;
        if (parsed.GetResult(arch) is { Implicit: false } && Architectures.Get(parsed.GetValue(arch)!).Name != Architectures.Get(saved.Architecture).Name)
            throw Conflict(checkpointPath, arch.Name, saved.Architecture, parsed.GetValue(arch)!);
        int? total = null;
        foreach (var setting in settings.Where(s => s.IsGiven(parsed)))
        {
            var requested = setting.Apply(parsed, run);
            if (setting.Property == nameof(TrainingOptions.Epochs))
                total = requested.Epochs;
            else if (!setting.Same(run, requested))
                throw Conflict(checkpointPath, setting.Option.Name, setting.Show(run), setting.Show(requested));
        }

        try
        {
            (total is { } epochs ? run with { Epochs = epochs } : run).Validate();
        }
        catch (InvalidTrainingOptionException e) when (e.Setting != nameof(TrainingOptions.Epochs))
        {
            // Not the user's option but the checkpoint's own setting (an older version allowed it, or the file was edited).
            var name = settings.FirstOrDefault(s => s.Property == e.Setting)?.Option.Name ?? e.Setting;
            throw new InvalidDataException($"{checkpointPath}: its run's {name} {e.Problem} - start again without --resume", e);
        }

        writer.WriteLine($"resuming {checkpointPath} after epoch {saved.Epochs} of {total ?? run.Epochs} ({saved.Architecture}, {TypedOptions.Name(run.DataSet)}, noise {run.Noise}, seed {run.Seed}, batch {run.BatchSize})");
        return Checkpoint.Resume(checkpointPath, total);
    }

    private static ArgumentException Conflict(string checkpointPath, string option, string saved, string given) =>
        new($"{checkpointPath} was trained with {option} {saved}, not {given}; drop {option} or train afresh without --resume");

    private static void Train(Trainer trainer, IRunData data, string checkpointPath, IAnsiConsole console, TextWriter writer, CancellationToken cancel)
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
                trainer.Fit(data, new InlineProgress<TrainingProgress>(p =>
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
}
