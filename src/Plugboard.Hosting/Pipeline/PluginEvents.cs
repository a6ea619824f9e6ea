using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// Tells what happened to a plugin: records failures in its status, logs them, and raises <c>Changed</c> on the
/// registries of its contracts and on the host. A handler that throws is logged and does not stop the others.
/// </summary>
internal sealed class PluginEvents(ConcurrentDictionary<Type, IContractRegistry> registries, ILogger logger, Action<PluginChangedEventArgs> raiseOnHost)
{
    public void Raise(PluginEntry entry, PluginChangedEventArgs args)
    {
        foreach (var contract in entry.Contracts)
        {
            if (registries.TryGetValue(contract.Type, out var registry))
            {
                Safely(() => registry.RaiseChanged(args), args);
            }
        }

        Safely(() => raiseOnHost(args), args);
    }

    /// <summary>Records a failure; a version already active stays so, and the failure is shown beside it.</summary>
    public void Fail(PluginEntry entry, string? version, string message, IReadOnlyList<PluginError>? errors = null, VerifyResult? verification = null, PluginPhase phase = PluginPhase.Failed)
    {
        var stillActive = entry.Current;
        entry.RecordFailure(version, message, errors, verification, phase);
        if (stillActive is null)
        {
            logger.Failed(entry.Id, message);
        }
        else
        {
            logger.FailedKeepingActive(entry.Id, version, stillActive.Version, message);
        }

        Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Failed, version, stillActive?.Version, message));
    }

    private void Safely(Action raise, PluginChangedEventArgs args)
    {
        try
        {
            raise();
        }
        catch (Exception ex)
        {
            logger.ChangedHandlerThrew(ex, args.Id);
        }
    }
}
