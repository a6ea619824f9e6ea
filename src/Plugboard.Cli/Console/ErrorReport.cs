using Plugboard.Manifests;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Locking;
using Plugboard.Sources;

namespace Plugboard.Cli.Console;

/// <summary>Turns an exception into what the user reads: its actionable message, and the stack trace only when asked.</summary>
internal static class ErrorReport
{
    public static int Write(CliConsole console, Exception exception, bool verbose)
    {
        var (message, exitCode) = exception switch
        {
            CliException cli => (cli.Message, cli.ExitCode),
            Plugboard.Cli.Center.CenterException center => (center.Message, center.ExitCode),

            // The libraries' own exceptions carry what failed and what to do; show them as they are.
            PackageException or ManifestException or SourceConfigurationException or SourceException or LockConflictException
                or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
                or ArgumentException or FormatException or IOException => (exception.Message, ExitCodes.Failure),
            _ => ($"Unexpected error: {exception.Message} Run again with --verbose for details, and report it if it persists.", ExitCodes.Failure),
        };

        console.Error.WriteLine($"error: {message}");
        if (verbose)
        {
            console.Error.WriteLine(exception.ToString());
        }

        return exitCode;
    }
}
