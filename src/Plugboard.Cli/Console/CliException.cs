namespace Plugboard.Cli.Console;

/// <summary>
/// A failure the user can act on: its message is printed as is on stderr (no stack trace unless
/// <c>--verbose</c>) and the command exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.Failure, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    public int ExitCode { get; }

    public static CliException Usage(string message) => new(message, ExitCodes.Usage);
}
