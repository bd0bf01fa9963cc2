using System.CommandLine;
using Denoise.Cli;
using static Denoise.Tests.Cli.CliRun;

namespace Denoise.Tests.Cli;

/// <summary>Every numeric option has a stated range, checked when the command line is parsed, in an error naming the option.</summary>
[Collection("torch")]
public sealed class OptionRangeTests
{
    private const string Help = " (see 'denoise --help')";

    [Theory]
    [InlineData("train --minutes 1e9", "--minutes must be a number above 0 and at most 10080, got 1e9")]
    [InlineData("train --minutes 1e308", "--minutes must be a number above 0 and at most 10080, got 1e308")]
    [InlineData("train --minutes 0", "--minutes must be a number above 0 and at most 10080, got 0")]
    [InlineData("train --batch 10000", "--batch must be a whole number from 1 to 1024, got 10000")]
    [InlineData("train --batch -3", "--batch must be a whole number from 1 to 1024, got -3")]
    [InlineData("train --epochs 0", "--epochs must be a whole number from 1 to 10000, got 0")]
    [InlineData("train --epochs 99999999999", "--epochs must be a whole number from 1 to 10000, got 99999999999")]
    [InlineData("train --limit 60001", "--limit must be a whole number from 1 to 60000, got 60001")]
    [InlineData("train --lr 1e39", "--lr must be a number above 0 and at most 1e10, got 1e39")]
    [InlineData("train --lr nan", "--lr must be a number above 0 and at most 1e10, got nan")]
    [InlineData("train --lr 0", "--lr must be a number above 0 and at most 1e10, got 0")]
    [InlineData("train --seed 99999999999999999999", "--seed must be a whole number from -9223372036854775808 to 9223372036854775807, got 99999999999999999999")]
    [InlineData("train --schedule foo", "--schedule 'foo' is not known; use constant or cosine")]
    [InlineData("evaluate --model m.dat --seed 1e5", "--seed must be a whole number from -9223372036854775808 to 9223372036854775807, got 1e5")]
    [InlineData("evaluate --model m.dat --limit 10001", "--limit must be a whole number from 1 to 10000, got 10001")]
    [InlineData("bench --batches 0", "--batches must be a whole number from 1 to 10000, got 0")]
    [InlineData("bench --repeat 101", "--repeat must be a whole number from 1 to 100, got 101")]
    [InlineData("bench --chunk 257", "--chunk must be a whole number from 1 to 256, got 257")]
    public void A_value_out_of_range_is_a_usage_error_naming_the_option_and_its_range(string line, string message)
    {
        var (exit, output, error) = Run(line.Split(' '));

        Assert.Equal((2, "", $"denoise: {message}{Help}\n"), (exit, output, error));
    }

    [Fact]
    public void Bench_threads_are_at_most_the_cores_of_the_machine()
    {
        var (exit, _, error) = Run("bench", "--threads", "100000");

        Assert.Equal((2, $"denoise: --threads must be a whole number from 1 to {Environment.ProcessorCount}, got 100000{Help}\n"), (exit, error));
    }

    [Fact]
    public void Every_numeric_option_of_every_command_states_its_range_and_parses_it_itself()
    {
        var numeric = new[] { typeof(int), typeof(long), typeof(double), typeof(float) };
        var options = Commands(DenoiseCli.Create())
            .SelectMany(c => c.Options.Select(o => (Command: c.Name, Option: o)))
            .Where(x => numeric.Contains(Nullable.GetUnderlyingType(x.Option.ValueType) ?? x.Option.ValueType))
            .ToList();

        Assert.True(options.Count >= 12, $"found only {options.Count} numeric options");
        foreach (var (command, option) in options)
        {
            Assert.True(option.Description?.Contains("From ") == true || option.Description?.Contains("Above ") == true,
                $"{command} {option.Name} states no range: {option.Description}");
            var parser = option.GetType().GetProperty("CustomParser")!.GetValue(option);
            Assert.True(parser is not null, $"{command} {option.Name} is parsed by System.CommandLine, whose errors name .NET types");
        }
    }

    private static IEnumerable<Command> Commands(Command root) => root.Subcommands.SelectMany(c => Commands(c).Prepend(c));
}
