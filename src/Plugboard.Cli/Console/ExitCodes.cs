namespace Plugboard.Cli.Console;

/// <summary>The exit codes of every command; command plugins pass their own through unchanged.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: an invalid package, a failed source, a missing file.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: an unknown command or option, a missing argument, an invalid name.</summary>
    public const int Usage = 2;

    /// <summary>The plugin center refused the token: none given or unknown (401), or a viewer's token asked to write (403).</summary>
    public const int NotAuthorized = 3;

    /// <summary>The plugin center could not be reached (connection refused, name not found, timed out).</summary>
    public const int Unreachable = 4;
}
