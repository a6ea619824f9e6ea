using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Plugboard.Manifests;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// Takes every plugin version, built-in or from a folder, through the same steps:
/// <see cref="PluginAdmission"/> → <see cref="PluginActivation"/> → (later) <see cref="PluginRetirement"/>.
/// Each plugin origin (a folder, a built-in registration) has one <see cref="PluginEntry"/>, and the steps of one
/// entry run one at a time under its gate; different plugins load concurrently.
/// </summary>
internal sealed class PluginPipeline
{
    private readonly PluginAdmission _admission;
    private readonly PluginActivation _activation;
    private readonly PluginRetirement _retirement;
    private readonly PluginEvents _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    public PluginPipeline(
        PlugboardOptions options,
        ConcurrentDictionary<Type, IContractRegistry> registries,
        PluginRuntimes runtimes,
        ILoggerFactory loggerFactory,
        IServiceProvider? hostServices,
        TimeProvider timeProvider,
        ILogger logger,
        Action<PluginChangedEventArgs> raiseOnHost)
    {
        _logger = logger;
        _timeProvider = timeProvider;
        _events = new PluginEvents(registries, logger, raiseOnHost);
        _admission = new PluginAdmission(options, registries, runtimes, Owners);
        _retirement = new PluginRetirement(options, timeProvider, registries, Owners, _events, logger);
        var activator = new PluginActivator(options.InitTimeout, options.VerifyTimeout, timeProvider, logger);
        _activation = new PluginActivation(activator, loggerFactory, hostServices, _events, _retirement, logger);
    }

    /// <summary>Every plugin the host knows, by origin (a folder, or <c>built-in:{class}</c>).</summary>
    public ConcurrentDictionary<string, PluginEntry> EntriesByOrigin { get; } = new(StringComparer.Ordinal);

    /// <summary>The entry that owns each id.</summary>
    public ConcurrentDictionary<string, PluginEntry> Owners { get; } = new(StringComparer.Ordinal);

    /// <summary>Admits and activates <paramref name="candidate"/> (a new plugin, or a new version of a known one).</summary>
    /// <returns>The candidate's entry, its status recorded.</returns>
    public async Task<PluginEntry> RunAsync(PluginCandidate candidate, CancellationToken cancellationToken)
    {
        var entry = EntriesByOrigin.GetOrAdd(candidate.Origin, origin => new PluginEntry(origin, candidate.IsBuiltIn, _timeProvider));
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            entry.Fingerprint = candidate.Fingerprint;
            var decision = await _admission.AdmitAsync(entry, candidate, _retirement.DeactivateAsync).ConfigureAwait(false);
            using var scope = decision.Version is null ? null : _logger.BeginScope(new PluginLogScope(entry.Id, decision.Version));
            switch (decision.Outcome)
            {
                case AdmissionOutcome.Rejected:
                    _events.Fail(entry, decision.Version, decision.Reason!, decision.Errors);
                    break;
                case AdmissionOutcome.Held:
                    entry.Record(PluginPhase.Discovered, decision.Version, decision.Reason);
                    if (decision.WaitingForRuntime)
                    {
                        _logger.Discovered(entry.Id, decision.Version, entry.Runtime, decision.Reason);
                    }

                    break;
                default:
                    await _activation.ActivateAsync(entry, candidate, decision, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            entry.Gate.Release();
        }

        return entry;
    }

    /// <summary>Takes a plugin out of service and retires its active version.</summary>
    /// <returns>Whether its code was provably unloaded.</returns>
    public async Task<bool> DeactivateAsync(PluginEntry entry, string reason, CancellationToken cancellationToken)
    {
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _retirement.DeactivateAsync(entry, reason).ConfigureAwait(false);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Deactivates a plugin whose folder is gone and forgets it.</summary>
    public async Task RemoveAsync(PluginEntry entry, string reason, CancellationToken cancellationToken)
    {
        await DeactivateAsync(entry, reason, cancellationToken).ConfigureAwait(false);
        EntriesByOrigin.TryRemove(new(entry.Origin, entry));
    }

    /// <summary>Deactivates every plugin and waits for every retirement, including those of replaced versions.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var deactivations = EntriesByOrigin.Values.Select(e => DeactivateAsync(e, "host stopping", CancellationToken.None)).ToList();
        await Task.WhenAll(deactivations).WaitAsync(cancellationToken).ConfigureAwait(false);
        await _retirement.WhenAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
