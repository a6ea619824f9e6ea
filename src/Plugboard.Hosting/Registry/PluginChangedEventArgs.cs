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
}

/// <summary>Tells that a plugin was added, replaced, removed or failed.</summary>
/// <param name="id">The plugin id.</param>
/// <param name="kind">What changed.</param>
/// <param name="version">The version now active, or the one that failed.</param>
/// <param name="previousVersion">The version that was active before, if any.</param>
/// <param name="reason">Why it failed, for <see cref="PluginChangeKind.Failed"/>.</param>
public sealed class PluginChangedEventArgs(string id, PluginChangeKind kind, string? version, string? previousVersion, string? reason) : EventArgs
{
    /// <summary>The plugin id.</summary>
    public string Id { get; } = id;

    /// <summary>What changed.</summary>
    public PluginChangeKind Kind { get; } = kind;

    /// <summary>The version now active, or the one that failed.</summary>
    public string? Version { get; } = version;

    /// <summary>The version that was active before, if any.</summary>
    public string? PreviousVersion { get; } = previousVersion;

    /// <summary>Why it failed, for <see cref="PluginChangeKind.Failed"/>.</summary>
    public string? Reason { get; } = reason;
}
