using Plugboard.Server.Store;

namespace Plugboard.Server.Events;

/// <summary>
/// Adds events to the same unit of work as the change they describe (so an event exists exactly when its
/// change was saved), and wakes live streams after a save.
/// </summary>
public sealed class EventLog(TimeProvider time)
{
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Adds an event to <paramref name="db"/>; saved with the caller's SaveChanges.</summary>
    public EventRow Add(CenterDbContext db, string kind, string actor, string? reason, string? installationId = null, string? pluginId = null, string? version = null, string? phase = null)
    {
        var row = new EventRow
        {
            Time = time.GetUtcNow(),
            Kind = kind,
            Actor = actor,
            Reason = reason,
            InstallationId = installationId,
            PluginId = pluginId,
            Version = version,
            Phase = phase,
        };
        db.Events.Add(row);
        return row;
    }

    /// <summary>Tells live streams that events were saved.</summary>
    public void Saved() => Interlocked.Exchange(ref _pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next <see cref="Saved"/>.</summary>
    public Task NextAsync() => Volatile.Read(ref _pulse).Task;
}
