using System.Text.Json.Nodes;

namespace Plugboard.Hosting.Managed;

/// <summary>One installation the center wants this host to run (the center's <c>GET /api/v1/hosts/{name}/desired</c>).</summary>
/// <param name="Id">The installation id.</param>
/// <param name="Plugin">The plugin id.</param>
/// <param name="Version">The version to run.</param>
/// <param name="Runtime">The runtime the version needs.</param>
/// <param name="Digest">The package digest to download and check.</param>
/// <param name="Generation">The installation's generation (reported back once applied).</param>
/// <param name="Config">The configuration, secrets included: kept in memory and only encrypted on disk.</param>
public sealed record DesiredInstallation(string Id, string Plugin, string Version, string Runtime, string Digest, long Generation, JsonObject Config);

/// <summary>The desired state of the host's scope at one revision.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Revision">Its revision (the watch's ETag).</param>
/// <param name="Installations">The installations.</param>
public sealed record DesiredState(string Scope, string Revision, IReadOnlyList<DesiredInstallation> Installations);

/// <summary>What the host tells the center about one installation.</summary>
/// <param name="Id">The installation id.</param>
/// <param name="Phase">Loading, Active or Failed.</param>
/// <param name="Version">The version running.</param>
/// <param name="Generation">The generation applied (or tried, when failed).</param>
/// <param name="Metadata">Init's metadata.</param>
/// <param name="VerifyReady">Verify's answer.</param>
/// <param name="VerifyReason">Verify's reason when not ready.</param>
/// <param name="Healthy">Whether the plugin serves.</param>
/// <param name="Reason">Why it is in this phase.</param>
public sealed record InstallationReport(string Id, string Phase, string? Version, long Generation, JsonObject? Metadata, bool? VerifyReady, string? VerifyReason, bool Healthy, string? Reason);
