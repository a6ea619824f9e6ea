namespace Plugboard;

/// <summary>
/// Where a plugin is in its lifecycle:
/// <c>Discovered → Loaded → Initialized → Verified → Active → Stopping → Removed</c>, with
/// <see cref="Failed"/> reachable from every step and <see cref="WaitingForDependencies"/> before loading.
/// </summary>
public enum PluginPhase
{
    /// <summary>Found (a folder with a manifest, a catalog entry) but not loaded yet.</summary>
    Discovered,

    /// <summary>Its dependencies are not active yet.</summary>
    WaitingForDependencies,

    /// <summary>Its code is loaded and an instance created.</summary>
    Loaded,

    /// <summary>Init succeeded and returned metadata.</summary>
    Initialized,

    /// <summary>Verify ran; see the verification result for whether it is ready.</summary>
    Verified,

    /// <summary>Handed out to the application.</summary>
    Active,

    /// <summary>Being stopped or unloaded.</summary>
    Stopping,

    /// <summary>Unloaded and gone.</summary>
    Removed,

    /// <summary>A step failed; the status carries the reason.</summary>
    Failed,
}
