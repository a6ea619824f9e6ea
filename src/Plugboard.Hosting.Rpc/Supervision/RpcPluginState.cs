namespace Plugboard.Hosting.Rpc.Supervision;

/// <summary>Where the connection to an out-of-process plugin stands.</summary>
public enum RpcPluginState
{
    /// <summary>Being started (process) or first reached (endpoint).</summary>
    Starting,

    /// <summary>Reachable and answering its health checks; calls go through.</summary>
    Serving,

    /// <summary>
    /// The plugin answers NOT_SERVING on its health check (or, for an endpoint, stopped answering it); calls fail at
    /// once with Unavailable until it serves again. A process that stops answering is restarted instead.
    /// </summary>
    NotServing,

    /// <summary>The process crashed and is being restarted; calls fail at once with Unavailable.</summary>
    Restarting,

    /// <summary>Stopped by the host; calls fail at once with Unavailable.</summary>
    Stopped,
}

/// <summary>A change of <see cref="RpcPluginConnection.State"/>.</summary>
/// <param name="PluginId">The plugin id.</param>
/// <param name="State">The state entered.</param>
/// <param name="Reason">Why, when there is something to say.</param>
public sealed record RpcPluginStateChangedEventArgs(string PluginId, RpcPluginState State, string? Reason);
