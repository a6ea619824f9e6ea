using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// The last step of every plugin version: it takes no new calls, the running ones finish (up to
/// <see cref="PlugboardOptions.DrainTimeout"/> on the host's clock), its stopping token is signalled, it is
/// disposed and its code unloaded. A version replaced by a reload retires in the background; the host's
/// stop waits for every retirement still running.
/// </summary>
internal sealed class PluginRetirement(PlugboardOptions options, TimeProvider timeProvider, ConcurrentDictionary<Type, IContractRegistry> registries, ConcurrentDictionary<string, PluginEntry> owners, PluginEvents events, ILogger logger)
{
    private readonly ConcurrentDictionary<Task<bool>, byte> _running = new();

    /// <summary>Takes the active version of <paramref name="entry"/> out of service and retires it; runs under the entry's gate.</summary>
    /// <returns>Whether its code was provably unloaded (true when nothing was active).</returns>
    public async Task<bool> DeactivateAsync(PluginEntry entry, string reason)
    {
        foreach (var contract in entry.Contracts)
        {
            if (registries.TryGetValue(contract.Type, out var registry))
            {
                registry.Detach(entry);
            }
        }

        owners.TryRemove(new(entry.Id, entry));
        var previous = entry.Swap(null);
        entry.ReplaceHealthWatch(null)?.Dispose();
        if (previous is null)
        {
            return true;
        }

        entry.Record(PluginPhase.Stopping, previous.Version, reason);
        events.Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Removed, null, previous.Version, reason));
        var collected = await Retire(previous).ConfigureAwait(false);
        entry.Record(PluginPhase.Removed, previous.Version, collected ? reason : $"{reason}; its code is still referenced and not yet collected");
        return collected;
    }

    /// <summary>Retires a generation no longer in service, in the background; the task tells whether its code was unloaded.</summary>
    public Task<bool> Retire(PluginGeneration generation)
    {
        var task = RetireCoreAsync(generation);
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>Completes when every retirement started so far has finished.</summary>
    public Task WhenAllAsync(CancellationToken cancellationToken) => Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);

    private async Task<bool> RetireCoreAsync(PluginGeneration generation)
    {
        using var scope = logger.BeginScope(new PluginLogScope(generation.Id, generation.Version));
        try
        {
            await generation.RetireAsync().WaitAsync(options.DrainTimeout, timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.DrainTimedOut(generation.InFlight, generation.Id, generation.Version, options.DrainTimeout);
        }

        bool collected;
        try
        {
            collected = await generation.Activated.DeactivateAsync(options.UnloadTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.DisposingThrew(ex, generation.Id, generation.Version);
            return false;
        }

        if (collected)
        {
            logger.Unloaded(generation.Id, generation.Version);
        }
        else
        {
            logger.StillReferenced(generation.Id, generation.Version, options.UnloadTimeout);
        }

        return collected;
    }
}
