using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Access;
using Plugboard.Server.Events;
using Plugboard.Server.Store;

namespace Plugboard.Server.Api;

/// <summary><c>/api/v1/events</c> (filtered list) and <c>/api/v1/events/stream</c> (server-sent events).</summary>
public static class EventsApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>An event as the API shows it.</summary>
    public sealed record EventDto(long Id, DateTimeOffset Time, string Kind, string Actor, string? Installation, string? Plugin, string? Version, string? Phase, string? Reason);

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/events").WithTags("Events").RequireAuthorization(Roles.Viewer);
        group.MapGet("/", async (string? installation, string? plugin, DateTimeOffset? since, long? after, int? limit, IDbContextFactory<CenterDbContext> store, CancellationToken ct) =>
        {
            await using var db = await store.CreateDbContextAsync(ct);
            var rows = await Query(db, installation, plugin, since, after ?? 0).OrderBy(e => e.Id).Take(Math.Clamp(limit ?? 500, 1, 5000)).ToListAsync(ct);
            return Results.Ok(rows.Select(ToDto).ToList());
        });
        group.MapGet("/stream", async (string? installation, string? plugin, HttpContext http, IDbContextFactory<CenterDbContext> store, EventLog events, TimeProvider time, Microsoft.Extensions.Options.IOptions<Plugboard.Server.Configuration.CenterOptions> options, CancellationToken ct) =>
        {
            var poll = options.Value.Coordination.EventPollInterval;
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            var last = long.TryParse(http.Request.Headers["Last-Event-ID"], out var resume) ? resume : 0;
            if (last == 0)
            {
                await using var db = await store.CreateDbContextAsync(ct);
                last = await db.Events.MaxAsync(e => (long?)e.Id, ct) ?? 0;
            }

            await http.Response.WriteAsync(": connected\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                var next = events.NextAsync();
                List<EventRow> rows;
                await using (var db = await store.CreateDbContextAsync(ct))
                {
                    rows = await Query(db, installation, plugin, null, last).OrderBy(e => e.Id).Take(500).ToListAsync(ct);
                }

                foreach (var row in rows)
                {
                    await http.Response.WriteAsync($"id: {row.Id}\nevent: {row.Kind}\ndata: {JsonSerializer.Serialize(ToDto(row), Json)}\n\n", ct);
                    last = row.Id;
                }

                await http.Response.Body.FlushAsync(ct);
                if (rows.Count < 500)
                {
                    // Woken by this center's saves and (PostgreSQL) the other replicas' notifications at once; the poll catches the rest.
                    await Task.WhenAny(next, Task.Delay(poll, time, ct)).WaitAsync(ct);
                }
            }
        }).ExcludeFromDescription();
        return api;
    }

    private static IQueryable<EventRow> Query(CenterDbContext db, string? installation, string? plugin, DateTimeOffset? since, long after)
    {
        var query = db.Events.AsNoTracking().Where(e => e.Id > after);
        if (!string.IsNullOrEmpty(installation))
        {
            query = query.Where(e => e.InstallationId == installation);
        }

        if (!string.IsNullOrEmpty(plugin))
        {
            query = query.Where(e => e.PluginId == plugin);
        }

        if (since is { } s)
        {
            query = query.Where(e => e.Time >= s);
        }

        return query;
    }

    private static EventDto ToDto(EventRow e) => new(e.Id, e.Time, e.Kind, e.Actor, e.InstallationId, e.PluginId, e.Version, e.Phase, e.Reason);
}
