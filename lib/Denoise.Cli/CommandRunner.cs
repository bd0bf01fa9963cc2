using System.CommandLine;

namespace Denoise.Cli;

/// <summary>
/// Runs the command line so that every failure is one line on stderr and a non-zero exit code:
/// 2 for a bad command line, 1 for bad input or a failed step, never a stack trace
/// (set DENOISE_DEBUG=1 to see one).
/// </summary>
public static class CommandRunner
{
    public const int UsageError = 2;
    public const int Failure = 1;

    public static int Run(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // An unknown word is the useful news; "required command was not provided" follows from it.
            var first = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(e.Message.Contains)) ?? parsed.Errors[0];
            error.WriteLine($"denoise: {first.Message} (see 'denoise --help')");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = output,
                Error = error,
            });
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("DENOISE_DEBUG") != "1")
        {
            error.WriteLine($"denoise: {OneLine(e)}");
            return Failure;
        }
    }

    /// <summary>
    /// The user-facing message of an exception, flattened to one line. Our own errors say what to do; any other is a
    /// fault of ours, said so without .NET's name for it, and without libtorch's C++ stack.
    /// </summary>
    public static string OneLine(Exception e)
    {
        var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        var message = inner.Message;
        if (message.IndexOf("Exception raised from", StringComparison.Ordinal) is > 0 and var stack)
            message = message[..stack];
        message = message.ReplaceLineEndings(" ").Trim();
        return inner is IOException or InvalidDataException or FormatException or ArgumentException
            or UnauthorizedAccessException or OperationCanceledException or NotSupportedException
            ? message
            : $"an unexpected error stopped the command ({message}) - DENOISE_DEBUG=1 shows where; please report it";
    }
}
