using Plugboard.Manifests;

namespace Plugboard.Hosting;

/// <summary>Where one plugin stands, as a snapshot.</summary>
public sealed record PluginStatus
{
    /// <summary>The plugin id; the folder name when the manifest could not be read.</summary>
    public required string Id { get; init; }

    /// <summary>The version that is active, or else the version last tried; null when unknown.</summary>
    public string? Version { get; init; }

    /// <summary>
    /// The phase. <see cref="PluginPhase.Active"/> even after a failed reload, as the previous version still serves.
    /// <see cref="PluginPhase.Failed"/> (with <see cref="Error"/>) while the runtime of the active version reports it
    /// is not serving — e.g. its process crashed and is being restarted — and <see cref="PluginPhase.Active"/> again
    /// once it serves. The version stays loaded meanwhile and calls still go to it (an out-of-process runtime fails them at once, with the reason).
    /// </summary>
    public required PluginPhase Phase { get; init; }

    /// <summary>Whether a version of the plugin is active and serving calls.</summary>
    public bool IsActive => Phase == PluginPhase.Active;

    /// <summary>The result of the last Verify, when it ran.</summary>
    public VerifyResult? Verification { get; init; }

    /// <summary>What Init returned for the active (or last tried) version.</summary>
    public PluginMetadata Metadata { get; init; } = PluginMetadata.Empty;

    /// <summary>
    /// The last failure, in words an operator can act on: why the plugin failed, or why its last reload
    /// failed while the previous version stayed active. Null when the last attempt succeeded.
    /// </summary>
    public string? Error { get; init; }

    /// <summary>The individual problems behind <see cref="Error"/> (manifest fields, configuration paths).</summary>
    public IReadOnlyList<PluginError> Errors { get; init; } = [];

    /// <summary>Where the plugin comes from: its folder, or <c>built-in:</c> and the class for built-ins.</summary>
    public required string Origin { get; init; }

    /// <summary>Whether the host registered the plugin in code.</summary>
    public bool IsBuiltIn { get; init; }

    /// <summary>How the plugin runs.</summary>
    public PluginRuntimeKind Runtime { get; init; }

    /// <summary>The ids of the host contracts the plugin serves (<c>name/vN</c>).</summary>
    public IReadOnlyList<string> Contracts { get; init; } = [];

    /// <summary>The recorded transitions, oldest first (the most recent 100).</summary>
    public IReadOnlyList<PluginEvent> Events { get; init; } = [];
}

/// <summary>One recorded transition of a plugin.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Phase">The phase entered.</param>
/// <param name="Version">The version concerned.</param>
/// <param name="Reason">Why, when there is something to say (always for failures).</param>
public sealed record PluginEvent(DateTimeOffset Time, PluginPhase Phase, string? Version, string? Reason);

/// <summary>One problem found while loading a plugin.</summary>
/// <param name="Path">The manifest field (<c>contracts[0].version</c>) or configuration path (<c>$.port</c>), when the problem has one.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record PluginError(string? Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Path is null ? Message : $"{Path}: {Message}";
}
