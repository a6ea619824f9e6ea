using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// The first step every plugin goes through, built-in or from a folder: a readable manifest, the id rule
/// (third-party ids carry <see cref="PlugboardOptions.IdPrefix"/>; built-in ids, which never do, are checked when registered), one owner per id,
/// enabled in the options, a contract this host offers in a version the plugin accepts, a runtime for its
/// kind, and a configuration its schema accepts. Each check that fails says what to change; a plugin that
/// passes them all is attached to its contracts' registries and handed to activation.
/// </summary>
internal sealed class PluginAdmission(
    PlugboardOptions options,
    ConcurrentDictionary<Type, IContractRegistry> registries,
    PluginRuntimes runtimes,
    ConcurrentDictionary<string, PluginEntry> owners)
{
    /// <summary>Checks <paramref name="candidate"/> for <paramref name="entry"/>; runs under the entry's gate.</summary>
    /// <param name="entry">The entry of the candidate's origin.</param>
    /// <param name="candidate">The version offered.</param>
    /// <param name="deactivate">Takes the active version of the entry out of service (the entry's gate is held).</param>
    public async Task<AdmissionDecision> AdmitAsync(PluginEntry entry, PluginCandidate candidate, Func<PluginEntry, string, Task> deactivate)
    {
        if (candidate.Manifest is not { } manifest)
        {
            return AdmissionDecision.Reject(null, $"{candidate.IdSource} is invalid: {string.Join("; ", candidate.ManifestErrors)}", candidate.ManifestErrors);
        }

        var id = manifest.Id;
        var version = manifest.Version.ToNormalizedString();
        if (entry.Current is not null && entry.Id != id)
        {
            // The folder now holds another plugin: the old one goes first.
            await deactivate(entry, $"its folder now holds plugin '{id}'").ConfigureAwait(false);
        }

        if (entry.Current is null)
        {
            entry.Id = id;
        }

        entry.Runtime = manifest.Runtime;
        if (IdRuleViolation(candidate, id) is { } idRejection)
        {
            return idRejection with { Version = version };
        }

        var owner = owners.GetOrAdd(id, entry);
        if (owner != entry)
        {
            return AdmissionDecision.Reject(
                version,
                $"plugin id '{id}' from {candidate.Origin} is already registered by {owner.Origin}; remove one of the two or give it another id.",
                [new PluginError("id", $"'{id}' is already registered by {owner.Origin}")]);
        }

        var settings = options.Plugins.TryGet(id, out var found) ? found : null;
        var contracts = MatchContracts(manifest, out var contractErrors);
        if (settings is { Enabled: false })
        {
            if (entry.Current is not null)
            {
                await deactivate(entry, "disabled by configuration").ConfigureAwait(false);
            }

            // Shown by the registries of the contracts it would serve, as a plugin waiting to be enabled.
            Attach(entry, contracts);
            return AdmissionDecision.Hold(version, $"disabled by configuration (Plugboard:Plugins:{id}:Enabled is false)");
        }

        if (contracts.Count == 0)
        {
            return AdmissionDecision.Reject(version, $"{id}: {string.Join("; ", contractErrors.Select(e => e.Message))}", contractErrors);
        }

        Attach(entry, contracts);
        var runtime = candidate.Runtime ?? runtimes.Find(manifest.Runtime);
        if (runtime is null)
        {
            return AdmissionDecision.Hold(
                version,
                $"runtime '{manifest.Runtime.ToString().ToLowerInvariant()}' is not available in this host; add the package that provides it (PluginHost.AddRuntime)",
                waitingForRuntime: true);
        }

        var configuration = PrepareConfiguration(manifest, settings?.Configuration ?? candidate.DefaultConfiguration, settings?.ConfigurationIsText == true, out var configErrors);
        if (configErrors.Count > 0)
        {
            return AdmissionDecision.Reject(
                version,
                $"{id}: the configuration is invalid: {string.Join("; ", configErrors)}. Fix Plugboard:Plugins:{id}:Configuration.",
                configErrors);
        }

        return AdmissionDecision.Admit(version, manifest, runtime, contracts, configuration);
    }

    private AdmissionDecision? IdRuleViolation(PluginCandidate candidate, string id)
    {
        // A built-in id was checked when it was registered (PluginHost.AddBuiltIn), before the host could start.
        var prefix = options.IdPrefix;
        if (!candidate.IsBuiltIn && !id.StartsWith(prefix, StringComparison.Ordinal))
        {
            return AdmissionDecision.Reject(
                null,
                $"plugin id '{id}' in {candidate.IdSource} must start with '{prefix}': third-party plugin ids carry the prefix " +
                $"so they can never shadow built-in plugins; rename it to '{prefix}{id}' in plugin.yaml and in its [Plugin] attribute.",
                [new PluginError("id", $"must start with '{prefix}'")]);
        }

        return null;
    }

    private void Attach(PluginEntry entry, List<ContractDescriptor> contracts)
    {
        if (contracts.Count == 0)
        {
            return;
        }

        entry.Contracts = contracts;
        foreach (var contract in contracts)
        {
            registries[contract.Type].Attach(entry);
        }
    }

    private List<ContractDescriptor> MatchContracts(PluginManifest manifest, out List<PluginError> errors)
    {
        errors = [];
        var matched = new List<ContractDescriptor>();
        var offered = registries.Values.Select(r => r.Contract).ToList();
        for (var i = 0; i < manifest.Contracts.Count; i++)
        {
            var reference = manifest.Contracts[i];
            var contract = offered.FirstOrDefault(c => c.Name == reference.Name);
            if (contract is null)
            {
                continue;
            }

            if (!reference.Versions.Satisfies(contract.Version))
            {
                errors.Add(new PluginError(
                    $"contracts[{i}].version",
                    $"it needs {reference.Name} {reference.Versions}, but this host has {reference.Name} {contract.Version}; install a version of the plugin built for it"));
                continue;
            }

            matched.Add(contract);
        }

        if (matched.Count == 0 && errors.Count == 0)
        {
            var declared = manifest.Contracts.Count == 0 ? "no contract" : string.Join(", ", manifest.Contracts.Select(c => c.Name));
            var hostOffers = offered.Count == 0 ? "none" : string.Join(", ", offered.Select(c => $"{c.Name} {c.Version}"));
            errors.Add(new PluginError("contracts", $"it declares {declared}, and this host offers {hostOffers}; it is not for this host, or the host has not declared the contract (AddContract)"));
        }

        return matched;
    }

    private static JsonObject PrepareConfiguration(PluginManifest manifest, JsonObject? given, bool isText, out List<PluginError> errors)
    {
        errors = [];
        var raw = given?.DeepClone().AsObject() ?? new JsonObject();
        if (manifest.ConfigSchema is not { } schema)
        {
            return raw;
        }

        if (isText)
        {
            TextConfiguration.Coerce(raw, schema.ToJson());
        }

        var result = schema.Validate(raw);
        errors.AddRange(result.Errors.Select(e => new PluginError(e.Path, e.Message)));
        return result.Value;
    }
}

/// <summary>What admission decided about one candidate.</summary>
internal sealed record AdmissionDecision
{
    public required AdmissionOutcome Outcome { get; init; }

    /// <summary>The candidate's version; null when its manifest could not be read.</summary>
    public string? Version { get; init; }

    /// <summary>Why it was not admitted, in words the operator can act on.</summary>
    public string? Reason { get; init; }

    public IReadOnlyList<PluginError> Errors { get; init; } = [];

    /// <summary>Held because no runtime runs its kind (rather than by the operator).</summary>
    public bool WaitingForRuntime { get; init; }

    public PluginManifest? Manifest { get; init; }

    public IPluginRuntime? Runtime { get; init; }

    public IReadOnlyList<ContractDescriptor> Contracts { get; init; } = [];

    /// <summary>The configuration, validated against the manifest's schema with defaults applied.</summary>
    public JsonObject? Configuration { get; init; }

    public static AdmissionDecision Reject(string? version, string reason, IReadOnlyList<PluginError> errors) =>
        new() { Outcome = AdmissionOutcome.Rejected, Version = version, Reason = reason, Errors = errors };

    public static AdmissionDecision Hold(string version, string reason, bool waitingForRuntime = false) =>
        new() { Outcome = AdmissionOutcome.Held, Version = version, Reason = reason, WaitingForRuntime = waitingForRuntime };

    public static AdmissionDecision Admit(string version, PluginManifest manifest, IPluginRuntime runtime, IReadOnlyList<ContractDescriptor> contracts, JsonObject configuration) =>
        new() { Outcome = AdmissionOutcome.Admitted, Version = version, Manifest = manifest, Runtime = runtime, Contracts = contracts, Configuration = configuration };
}

/// <summary>Whether a candidate goes on to activation.</summary>
internal enum AdmissionOutcome
{
    /// <summary>It goes on to activation.</summary>
    Admitted,

    /// <summary>It stays <see cref="PluginPhase.Discovered"/>: disabled, or waiting for a runtime.</summary>
    Held,

    /// <summary>It fails with the reason.</summary>
    Rejected,
}
