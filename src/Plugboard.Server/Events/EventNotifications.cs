using Microsoft.Extensions.Options;
using Npgsql;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Events;

/// <summary>
/// Live events across replicas on PostgreSQL: every inserted event row is announced by the store itself (a trigger
/// runs <c>pg_notify('plugboard_events', id)</c>, delivered when the writer's transaction commits), and this service
/// LISTENs on one connection of its own and wakes this replica's streams (<see cref="EventLog.Saved"/>), so an SSE
/// client of any replica sees what another replica wrote at once. On SQLite (one center) it does nothing: the
/// in-process wake-up is the whole path.
/// </summary>
public sealed class EventNotifications(EventLog events, IOptions<CenterOptions> options, TimeProvider time, ILogger<EventNotifications> logger) : BackgroundService
{
    /// <summary>The channel the store's trigger notifies on.</summary>
    public const string Channel = "plugboard_events";

    /// <summary>Notifications received, for tests and diagnostics.</summary>
    public long Received => Interlocked.Read(ref _received);

    private long _received;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = options.Value.Store;
        if (!string.Equals(store.Provider, "postgres", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(store.ConnectionString))
        {
            return;
        }

        // Keepalive so a connection cut without a FIN is noticed; no pooling: this connection stays in LISTEN.
        var builder = new NpgsqlConnectionStringBuilder(store.ConnectionString) { KeepAlive = 15, Pooling = false };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, _) =>
                {
                    Interlocked.Increment(ref _received);
                    events.Saved();
                };
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                // Events written while this replica was not listening are read by the streams' next query.
                events.Saved();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Listening for other replicas' events failed; live streams poll until it reconnects");
                await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
