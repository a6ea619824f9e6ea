using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// The step after admission: realizes the admitted version with the <see cref="PluginActivator"/> (load, Init,
/// Verify), recording each phase in the plugin's status, then swaps it in as the version that serves calls and
/// hands the one it replaced to retirement. A version that fails leaves the active one (if any) in place.
/// </summary>
internal sealed class PluginActivation(
    PluginActivator activator,
    ILoggerFactory loggerFactory,
    IServiceProvider? hostServices,
    PluginEvents events,
    PluginRetirement retirement,
    ILogger logger)
{
    /// <summary>Activates an admitted candidate for <paramref name="entry"/>; runs under the entry's gate.</summary>
    public async Task ActivateAsync(PluginEntry entry, PluginCandidate candidate, AdmissionDecision admitted, CancellationToken cancellationToken)
    {
        var id = entry.Id;
        var version = admitted.Version!;
        var request = new PluginLoadRequest
        {
            Manifest = admitted.Manifest!,
            Directory = candidate.Directory,
            Contracts = admitted.Contracts.Select(c => c.Type).ToList(),
            Configuration = admitted.Configuration!,
            Logger = new PluginScopedLogger(loggerFactory.CreateLogger($"Plugboard.Plugins.{id}"), id, version),
            HostServices = hostServices,
        };

        ActivatedPlugin activated;
        try
        {
            activated = await activator.ActivateAsync(
                admitted.Runtime!,
                request,
                step => entry.Record(step.Phase, version, step.Phase == PluginPhase.Verified && step.Verification is { IsReady: false } v ? v.Reason : null, step.Metadata, step.Verification),
                cancellationToken).ConfigureAwait(false);
        }
        catch (PluginActivationException ex)
        {
            events.Fail(entry, version, ex.Message, ex.Errors, ex.Verification, ex.Phase);
            return;
        }

        var generation = new PluginGeneration(activated);
        var previous = entry.Swap(generation);
        entry.Record(PluginPhase.Active, version, previous is null ? null : $"replaced {previous.Version}", activated.Metadata, activated.Verification);
        if (previous is null)
        {
            logger.Active(id, version);
        }
        else
        {
            logger.ActiveReplacing(id, version, previous.Version);
        }

        events.Raise(entry, new PluginChangedEventArgs(id, previous is null ? PluginChangeKind.Added : PluginChangeKind.Replaced, version, previous?.Version, null));

        // After Added/Replaced, so that a plugin that already went down during Init shows as such next.
        entry.ReplaceHealthWatch(new PluginHealthWatch(generation, (g, health) => ApplyHealth(entry, g, health)))?.Dispose();
        if (previous is not null)
        {
            _ = retirement.Retire(previous);
        }
    }

    // Runs on the thread pool, one report at a time per generation (see PluginHealthWatch); reports of a
    // generation that is no longer the active one change nothing.
    private void ApplyHealth(PluginEntry entry, PluginGeneration generation, PluginHealth health)
    {
        try
        {
            if (!entry.RecordHealth(generation, health, out var message))
            {
                return;
            }

            using var scope = logger.BeginScope(new PluginLogScope(entry.Id, generation.Version));
            if (health.IsServing)
            {
                logger.ServingAgain(entry.Id, generation.Version, message);
                events.Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Recovered, generation.Version, null, message));
            }
            else
            {
                logger.NotServing(entry.Id, generation.Version, health.Reason);
                events.Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Unhealthy, generation.Version, null, message));
            }
        }
        catch (Exception ex)
        {
            logger.HealthRecordingFailed(ex, entry.Id, generation.Version);
        }
    }
}
