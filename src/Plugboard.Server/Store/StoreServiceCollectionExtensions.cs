using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Store;

/// <summary>Registers the store for the configured provider.</summary>
public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CenterDbContext"/> as a factory-backed scoped service on SQLite or PostgreSQL,
    /// as <see cref="CenterOptions.Store"/> says.
    /// </summary>
    public static IServiceCollection AddCenterStore(this IServiceCollection services, CenterOptions options)
    {
        if (string.Equals(options.Store.Provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            services.AddDbContextFactory<PostgresCenterDbContext>(o => o.UseNpgsql(options.Store.ConnectionString));
            services.AddSingleton<IDbContextFactory<CenterDbContext>>(sp =>
                new UpcastFactory<PostgresCenterDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresCenterDbContext>>()));
        }
        else
        {
            var connection = options.Store.ConnectionString;
            if (string.IsNullOrWhiteSpace(connection))
            {
                Directory.CreateDirectory(options.DataDirectory);
                connection = new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(options.DataDirectory, "center.db"),
                    Pooling = true,
                    DefaultTimeout = 30,
                }.ToString();
            }

            services.AddDbContextFactory<SqliteCenterDbContext>(o => o.UseSqlite(connection));
            services.AddSingleton<IDbContextFactory<CenterDbContext>>(sp =>
                new UpcastFactory<SqliteCenterDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteCenterDbContext>>()));
        }

        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CenterDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>Applies pending migrations; on SQLite also turns on write-ahead logging for concurrent readers.</summary>
    public static async Task MigrateCenterStoreAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<CenterDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class UpcastFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<CenterDbContext>
        where T : CenterDbContext
    {
        public CenterDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
