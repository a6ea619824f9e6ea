using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Store;

namespace Plugboard.Server.Sources;

/// <summary>Syncs every source whose <see cref="SourceRow.SyncIntervalSeconds"/> has passed since its last run.</summary>
public sealed class ScheduledSync(IDbContextFactory<CenterDbContext> store, SourceService sources, TimeProvider time, ILogger<ScheduledSync> logger) : BackgroundService
{
    /// <summary>The actor named on scheduled runs.</summary>
    public const string Actor = "schedule";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        do
        {
            try
            {
                List<SourceRow> due;
                await using (var db = await store.CreateDbContextAsync(stoppingToken).ConfigureAwait(false))
                {
                    var rows = await db.Sources.AsNoTracking().Where(s => s.SyncIntervalSeconds > 0).ToListAsync(stoppingToken).ConfigureAwait(false);
                    var now = time.GetUtcNow();
                    due = rows.Where(s => s.LastSyncAt is null || s.LastSyncAt.Value.AddSeconds(s.SyncIntervalSeconds) <= now).ToList();
                }

                foreach (var source in due)
                {
                    await sources.SyncAsync(source.Name, Actor, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Scheduled sync failed; it tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
