using System.Text.Json.Nodes;
using Plugboard.Hosting.Discovery;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;
using Plugboard.Manifests.Versioning;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// One version of a plugin offered to the pipeline: a plugin folder's manifest, or a built-in registration
/// described as a manifest of its own (its contract at the host's exact version, run by its own
/// <see cref="BuiltInRuntime"/>). Admission, activation and retirement treat both alike.
/// </summary>
internal sealed class PluginCandidate
{
    private PluginCandidate(string origin, bool isBuiltIn, PluginManifest? manifest, IReadOnlyList<PluginError> manifestErrors, IPluginRuntime? runtime, JsonObject? defaultConfiguration)
    {
        Origin = origin;
        IsBuiltIn = isBuiltIn;
        Manifest = manifest;
        ManifestErrors = manifestErrors;
        Runtime = runtime;
        DefaultConfiguration = defaultConfiguration;
    }

    /// <summary>Where the plugin comes from: its folder, or <c>built-in:{class}</c>.</summary>
    public string Origin { get; }

    public bool IsBuiltIn { get; }

    /// <summary>The manifest; null when the folder's could not be read (see <see cref="ManifestErrors"/>).</summary>
    public PluginManifest? Manifest { get; }

    public IReadOnlyList<PluginError> ManifestErrors { get; }

    /// <summary>The runtime bound to this candidate (a built-in's); null to take the host's runtime for the manifest's kind.</summary>
    public IPluginRuntime? Runtime { get; }

    /// <summary>The configuration used when the options have none for the id (a built-in's registration).</summary>
    public JsonObject? DefaultConfiguration { get; }

    /// <summary>The plugin folder, or the built-in's origin.</summary>
    public string Directory => Origin;

    /// <summary>Where an id is declared, for error messages.</summary>
    public string IdSource => IsBuiltIn ? Origin : Path.Combine(Origin, PluginManifest.FileName);

    /// <summary>
    /// The folder's files as they were just before its manifest was read (see <see cref="PluginFolderFingerprint"/>);
    /// null for a built-in, or when not taken.
    /// </summary>
    public string? Fingerprint { get; private init; }

    public static PluginCandidate FromFolder(DiscoveredPlugin discovered, string? fingerprint = null) =>
        new(discovered.Directory, false, discovered.Manifest, discovered.Errors, null, null) { Fingerprint = fingerprint };

    /// <summary>Fingerprints the folder, then reads its manifest: a change made in between shows as a difference later.</summary>
    public static PluginCandidate ReadFolder(string folder, ManifestParseCache? cache) => ReadFolder(folder, PluginFolderFingerprint.Of(folder), cache);

    /// <summary>Reads the manifest of a folder fingerprinted just before (<see cref="PluginFolderFingerprint.Of"/>).</summary>
    public static PluginCandidate ReadFolder(string folder, string? fingerprint, ManifestParseCache? cache) =>
        FromFolder(PluginDirectoryScanner.Read(folder, cache), fingerprint);

    public static PluginCandidate FromBuiltIn(BuiltInPlugin builtIn)
    {
        var manifest = new PluginManifest
        {
            Id = builtIn.Id,
            Version = NuGet.Versioning.NuGetVersion.Parse(builtIn.Version),
            Contracts = [new ContractReference(builtIn.Contract.Name, VersionRangeSpec.Parse(builtIn.Contract.Version.ToNormalizedString()))],
            Runtime = PluginRuntimeKind.Assembly,
        };
        return new(builtIn.Origin, true, manifest, [], new BuiltInRuntime(builtIn), builtIn.Configuration);
    }
}
