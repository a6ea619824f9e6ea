namespace Plugboard.Hosting;

/// <summary>What changed about a plugin.</summary>
public enum PluginChangeKind
{
    /// <summary>A plugin became active.</summary>
    Added,

    /// <summary>A new version replaced the active one.</summary>
    Replaced,

    /// <summary>The plugin was removed or unloaded.</summary>
    Removed,

    /// <summary>Loading, or reloading, failed; a previously active version keeps serving.</summary>
    Failed,

    /// <summary>
    /// The active version stopped serving calls, as its runtime reports (a process plugin crashed and is being
    /// restarted, or fails its health checks): its status shows <see cref="PluginPhase.Failed"/> with the reason,
    /// and it stays loaded. <see cref="PluginChangedEventArgs.Reason"/> says why; raised again when the reason changes.
    /// </summary>
    Unhealthy,

    /// <summary>The active version serves calls again after <see cref="Unhealthy"/>; its status is <see cref="PluginPhase.Active"/> again.</summary>
    Recovered,
}

/// <summary>Tells that a plugin was added, replaced, removed, failed, or stopped or resumed serving.</summary>
/// <param name="id">The plugin id.</param>
/// <param name="kind">What changed.</param>
/// <param name="version">The version now active, or the one that failed or whose health changed.</param>
/// <param name="previousVersion">The version that was active before, if any.</param>
/// <param name="reason">Why it failed or is not serving (<see cref="PluginChangeKind.Failed"/>, <see cref="PluginChangeKind.Unhealthy"/>); how it came back (<see cref="PluginChangeKind.Recovered"/>).</param>
public sealed class PluginChangedEventArgs(string id, PluginChangeKind kind, string? version, string? previousVersion, string? reason) : EventArgs
{
    /// <summary>The plugin id.</summary>
    public string Id { get; } = id;

    /// <summary>What changed.</summary>
    public PluginChangeKind Kind { get; } = kind;

    /// <summary>The version now active, or the one that failed or whose health changed.</summary>
    public string? Version { get; } = version;

    /// <summary>The version that was active before, if any.</summary>
    public string? PreviousVersion { get; } = previousVersion;

    /// <summary>Why it failed or is not serving (<see cref="PluginChangeKind.Failed"/>, <see cref="PluginChangeKind.Unhealthy"/>); how it came back (<see cref="PluginChangeKind.Recovered"/>).</summary>
    public string? Reason { get; } = reason;
}
