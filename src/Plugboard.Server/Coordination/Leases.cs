using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Plugboard.Server.Configuration;
using Plugboard.Server.Store;

namespace Plugboard.Server.Coordination;

/// <summary>
/// Leases on work several center replicas share, in the store's <c>leases</c> table: taken and renewed by one
/// conditional UPDATE (<c>… WHERE name = @n AND (holder = @me OR expires_at &lt; @now)</c>), so two replicas never
/// hold one lease at once; a replica that dies stops renewing and loses its leases after
/// <see cref="CoordinationOptions.LeaseDuration"/>. Each change of holder increases the lease's fence; the work done
/// under a lease is saved only while the fence it was taken with still holds (<see cref="EnsureHeldAsync"/>).
/// With leases off (SQLite: one center) every lease is granted at once and nothing is written.
/// </summary>
public sealed class Leases(IDbContextFactory<CenterDbContext> store, TimeProvider time, IOptions<CenterOptions> options, ILogger<Leases> logger)
{
    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);

    /// <summary>Whether leases are in use (several replicas may share the store).</summary>
    public bool Enabled { get; } = options.Value.Coordination.Leases
        ?? string.Equals(options.Value.Store.Provider, "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>This replica's name, as its leases name it.</summary>
    public string Replica { get; } = string.IsNullOrWhiteSpace(options.Value.Coordination.ReplicaName)
        ? $"{Environment.MachineName}/{Environment.ProcessId}"
        : options.Value.Coordination.ReplicaName.Trim();

    /// <summary>The names of the leases this replica holds now.</summary>
    public IReadOnlyCollection<string> Held => (IReadOnlyCollection<string>)_held.Keys;

    private TimeSpan Duration => options.Value.Coordination.LeaseDuration;

    /// <summary>
    /// Takes the lease, or renews it when this replica holds it already; false when another replica holds it.
    /// </summary>
    public async Task<bool> TryAcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!Enabled)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var expires = now + Duration;
        var me = Replica;
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var updated = await db.Leases
            .Where(l => l.Name == name && (l.Holder == me || l.ExpiresAt < now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(l => l.Fence, l => l.Holder == me ? l.Fence : l.Fence + 1)
                      .SetProperty(l => l.Holder, me)
                      .SetProperty(l => l.ExpiresAt, expires),
                cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            if (await db.Leases.AsNoTracking().AnyAsync(l => l.Name == name, cancellationToken).ConfigureAwait(false))
            {
                _held.TryRemove(name, out _);
                return false;
            }

            db.Leases.Add(new LeaseRow { Name = name, Holder = me, ExpiresAt = expires, Fence = 1 });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                // Another replica created it first.
                return false;
            }
        }

        var fence = await db.Leases.AsNoTracking().Where(l => l.Name == name && l.Holder == me).Select(l => (long?)l.Fence)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (fence is null)
        {
            _held.TryRemove(name, out _);
            return false;
        }

        if (_held.TryGetValue(name, out var before) && before != fence)
        {
            logger.LogWarning("Lease {Lease} was held by another replica meanwhile (fence {Before} → {After}); work continues from the store", name, before, fence);
        }
        else if (!_held.ContainsKey(name))
        {
            logger.LogDebug("Lease {Lease} taken by {Replica} (fence {Fence})", name, me, fence);
        }

        _held[name] = fence.Value;
        return true;
    }

    /// <summary>
    /// Throws <see cref="LeaseLostException"/> unless this replica still holds the lease with the fence it took it
    /// with and it has not lapsed: called before saving the result of work done under it.
    /// </summary>
    public async Task EnsureHeldAsync(string name, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var now = time.GetUtcNow();
        var me = Replica;
        var holds = _held.TryGetValue(name, out var fence);
        if (holds)
        {
            await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            holds = await db.Leases.AsNoTracking().AnyAsync(l => l.Name == name && l.Holder == me && l.Fence == fence && l.ExpiresAt > now, cancellationToken).ConfigureAwait(false);
        }

        if (!holds)
        {
            _held.TryRemove(name, out _);
            throw new LeaseLostException(name, me);
        }
    }

    /// <summary>Gives a lease up at once (the work is done, or its subject is gone), so another replica need not wait for it to lapse.</summary>
    public async Task ReleaseAsync(string name, CancellationToken cancellationToken)
    {
        if (!Enabled || !_held.TryRemove(name, out _))
        {
            return;
        }

        var me = Replica;
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Leases.Where(l => l.Name == name && l.Holder == me).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renews every lease this replica holds; forgets those another replica took meanwhile.</summary>
    public async Task RenewAllAsync(CancellationToken cancellationToken)
    {
        if (!Enabled || _held.IsEmpty)
        {
            return;
        }

        var me = Replica;
        var names = _held.Keys.ToList();
        var expires = time.GetUtcNow() + Duration;
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Leases.Where(l => names.Contains(l.Name) && l.Holder == me).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expires), cancellationToken).ConfigureAwait(false);
        var still = await db.Leases.AsNoTracking().Where(l => names.Contains(l.Name) && l.Holder == me).Select(l => new { l.Name, l.Fence }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            if (!still.Any(s => s.Name == name && _held.TryGetValue(name, out var f) && f == s.Fence))
            {
                _held.TryRemove(name, out _);
                logger.LogWarning("Lease {Lease} is no longer held by {Replica}: another replica took it after it lapsed", name, me);
            }
        }
    }

    /// <summary>The lease name of an installation's realization.</summary>
    public static string OfInstallation(string installationId) => "installation:" + installationId;

    /// <summary>The lease name of a source's sync.</summary>
    public static string OfSync(string source) => "sync:" + source;
}

/// <summary>A replica's lease lapsed or was taken by another replica while it worked; its result is not saved.</summary>
public sealed class LeaseLostException(string lease, string replica)
    : Exception($"Lease '{lease}' is no longer held by replica '{replica}' (it lapsed, and another replica may have taken it); this replica's work under it is not saved.")
{
    /// <summary>The lease.</summary>
    public string Lease { get; } = lease;
}
