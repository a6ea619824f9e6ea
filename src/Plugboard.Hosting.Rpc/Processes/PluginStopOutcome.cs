namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>What it took to stop a plugin process.</summary>
public enum PluginStopOutcome
{
    /// <summary>It had exited already.</summary>
    AlreadyExited,

    /// <summary>It exited when its stdin was closed, as the protocol asks.</summary>
    ExitedWhenStdinClosed,

    /// <summary>It exited on SIGTERM.</summary>
    ExitedOnSigterm,

    /// <summary>It had to be killed.</summary>
    Killed,
}
