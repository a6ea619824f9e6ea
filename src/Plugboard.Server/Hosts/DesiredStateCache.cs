namespace Plugboard.Server.Hosts;

/// <summary>
/// One computation of a scope's desired state shared by every watch of that scope until the store changes. Without
/// it each watch computed the state itself (the scope's installations, every catalog version's manifest parsed, each
/// configuration validated) on every wake-up: 500 watching hosts made 500 computations per change and per poll, and a
/// change reached the last of them seconds late. An answer is reused only while no save was announced since its
/// computation began (<see cref="Events.EventLog.NextAsync"/> is still the same pulse) and for at most
/// <see cref="MaxAge"/>, so a change another replica made without a notification is still seen by the watch's poll.
/// </summary>
public sealed class DesiredStateCache(DesiredState desired, TimeProvider time, IHostApplicationLifetime lifetime)
{
    /// <summary>The longest an answer is reused without a save in between.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Task Pulse, DateTimeOffset ComputedAt, Task<DesiredStateDto> State);

    /// <summary>
    /// The desired state of <paramref name="scope"/> as of <paramref name="pulse"/>: the pulse the caller read from
    /// <see cref="Events.EventLog.NextAsync"/> before asking, so a save announced after it is never missed.
    /// </summary>
    public Task<DesiredStateDto> GetAsync(string scope, Task pulse, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (!_entries.TryGetValue(scope, out entry!) || entry.Pulse != pulse || now - entry.ComputedAt >= MaxAge
                || entry.State.IsFaulted || entry.State.IsCanceled)
            {
                // Computed on the thread pool, not under the lock, and on the application's lifetime: one caller giving
                // up must not fail the others.
                entry = new Entry(pulse, now, Task.Run(() => ComputeAsync(scope)));
                _entries[scope] = entry;
            }
        }

        return entry.State.WaitAsync(cancellationToken);
    }

    private async Task<DesiredStateDto> ComputeAsync(string scope) =>
        (await desired.ComputeAsync(scope, lifetime.ApplicationStopping).ConfigureAwait(false)).State;
}
