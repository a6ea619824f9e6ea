using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Plugboard.Server.Access;
using Plugboard.Server.Configuration;
using Plugboard.Server.Events;
using Plugboard.Server.Sources;
using Plugboard.Server.Store;

namespace Plugboard.Server;

/// <summary>
/// First-start work before the server listens: migrate the store, make sure an admin token exists (from
/// <c>PLUGBOARD_ADMIN_TOKEN</c>, or generated and printed once), and add the demo source when asked.
/// </summary>
public sealed class CenterStartup(
    IServiceProvider services,
    AccessTokens tokens,
    IDbContextFactory<CenterDbContext> store,
    EventLog events,
    IOptions<CenterOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<CenterStartup> logger) : IHostedService
{
    /// <summary>The demo source's name.</summary>
    public const string DemoSourceName = "demo";

    /// <summary>Set when a demo source was added at this start and should be synced once the server runs.</summary>
    public bool SyncDemo { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.MigrateCenterStoreAsync(cancellationToken).ConfigureAwait(false);
        var given = configuration["PLUGBOARD_ADMIN_TOKEN"];
        if (!string.IsNullOrWhiteSpace(given))
        {
            if (!await tokens.ExistsAsync(given, cancellationToken).ConfigureAwait(false))
            {
                await tokens.CreateAsync("admin", Roles.Admin, "PLUGBOARD_ADMIN_TOKEN", given, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Admin token from PLUGBOARD_ADMIN_TOKEN stored (hashed)");
            }
        }
        else if (!await tokens.AnyAdminAsync(cancellationToken).ConfigureAwait(false))
        {
            var (_, token) = await tokens.CreateAsync("admin", Roles.Admin, "first start", null, cancellationToken).ConfigureAwait(false);

            // Printed once to the console, never logged: logs are collected and kept, the console of a first start is not.
            await Console.Out.WriteLineAsync($"Admin token (shown once, store it now): {token}").ConfigureAwait(false);
            await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (options.Value.DemoSource is { Length: > 0 } demo)
        {
            await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            if (!await db.Sources.AnyAsync(s => s.Name == DemoSourceName, cancellationToken).ConfigureAwait(false))
            {
                db.Sources.Add(new SourceRow { Name = DemoSourceName, Type = "fs", Path = Path.GetFullPath(demo), CreatedAt = time.GetUtcNow() });
                events.Add(db, "source.added", "first start", $"demo source '{DemoSourceName}' ({Path.GetFullPath(demo)})");
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                SyncDemo = true;
            }
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Syncs the demo source once the server runs, when <see cref="CenterStartup"/> added it.</summary>
public sealed class DemoSourceSync(CenterStartup startup, SourceService sources, ILogger<DemoSourceSync> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!startup.SyncDemo)
        {
            return;
        }

        try
        {
            await sources.SyncAsync(CenterStartup.DemoSourceName, "first start", stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Syncing the demo source failed; POST /api/v1/sources/demo/sync tries again");
        }
    }
}
