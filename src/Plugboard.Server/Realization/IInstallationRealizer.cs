using System.Text.Json.Nodes;
using Plugboard.Manifests;

namespace Plugboard.Server.Realization;

/// <summary>
/// The one step that makes an installation real: load or start the plugin, Init it with its configuration,
/// Verify it, and keep it running; or release it. The controller knows nothing else about runtimes. The center
/// realizes its own scope in its process (<see cref="LocalRealizer"/>); hosts realizing other scopes, or several
/// centers sharing the work, plug in here.
/// </summary>
public interface IInstallationRealizer
{
    /// <summary>
    /// Realizes one version with one configuration. On success the new instance replaces any previous one of the
    /// same installation (which is then released); on failure the new instance is released and a previous one
    /// keeps running.
    /// </summary>
    /// <param name="request">What to realize.</param>
    /// <param name="stage">Told each lifecycle stage as it begins (<c>Loading</c>, <c>Initializing</c>, <c>Verifying</c>).</param>
    /// <param name="cancellationToken">Cancels the realization.</param>
    Task<RealizationResult> RealizeAsync(RealizationRequest request, Func<string, CancellationToken, Task> stage, CancellationToken cancellationToken);

    /// <summary>Stops and releases the installation's instance, if any.</summary>
    Task ReleaseAsync(string installationId, CancellationToken cancellationToken);

    /// <summary>The version running for an installation, or null when none is.</summary>
    RealizedInstance? Find(string installationId);

    /// <summary>
    /// Raised when a running instance stops or resumes serving on its own (a process plugin crashed and its supervisor
    /// restarts it, an endpoint stopped answering), on the runtime's thread; handlers only queue the report.
    /// </summary>
    event EventHandler<InstanceHealthChangedEventArgs>? HealthChanged;
}

/// <summary>A running instance stopped or resumed serving.</summary>
/// <param name="installationId">The installation.</param>
/// <param name="generation">The installation generation the instance was realized for.</param>
/// <param name="version">The instance's version.</param>
/// <param name="serving">Whether it serves now.</param>
/// <param name="reason">What happened, and what the runtime does about it.</param>
public sealed class InstanceHealthChangedEventArgs(string installationId, long generation, string version, bool serving, string reason) : EventArgs
{
    /// <summary>The installation.</summary>
    public string InstallationId { get; } = installationId;

    /// <summary>The installation generation the instance was realized for.</summary>
    public long Generation { get; } = generation;

    /// <summary>The instance's version.</summary>
    public string Version { get; } = version;

    /// <summary>Whether it serves now.</summary>
    public bool Serving { get; } = serving;

    /// <summary>What happened, and what the runtime does about it.</summary>
    public string Reason { get; } = reason;
}

/// <summary>What to realize.</summary>
/// <param name="InstallationId">The installation.</param>
/// <param name="Generation">Which generation of the installation's spec this is.</param>
/// <param name="Manifest">The version's manifest.</param>
/// <param name="Directory">The version's extracted folder (null for a plugin registered as running elsewhere).</param>
/// <param name="Configuration">The validated configuration, secrets included, defaults applied.</param>
public sealed record RealizationRequest(string InstallationId, long Generation, PluginManifest Manifest, string? Directory, JsonObject Configuration);

/// <summary>How a realization went.</summary>
/// <param name="Succeeded">Whether the plugin is Active.</param>
/// <param name="Metadata">What Init returned (JSON object), when it got that far.</param>
/// <param name="Ready">Verify's answer, when it got that far.</param>
/// <param name="Reason">Why not, in words an operator can act on.</param>
public sealed record RealizationResult(bool Succeeded, JsonObject? Metadata, bool? Ready, string? Reason);

/// <summary>An instance running for an installation.</summary>
/// <param name="Version">Its version.</param>
/// <param name="Generation">The installation generation it was realized for.</param>
public sealed record RealizedInstance(string Version, long Generation);
