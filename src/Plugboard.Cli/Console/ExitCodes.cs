namespace Plugboard.Cli.Console;

/// <summary>The exit codes of every command; command plugins pass their own through unchanged.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: an invalid package, a failed source, a missing file.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: an unknown command or option, a missing argument, an invalid name.</summary>
    public const int Usage = 2;
}
