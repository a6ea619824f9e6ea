using Microsoft.EntityFrameworkCore;

namespace Plugboard.Server.Store;

/// <summary>
/// The center's store: one model for SQLite and PostgreSQL. Each provider has its own derived context
/// (<see cref="SqliteCenterDbContext"/>, <see cref="PostgresCenterDbContext"/>) only so that each keeps its own
/// migrations, as EF Core requires for several providers.
/// </summary>
public abstract class CenterDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>Sources.</summary>
    public DbSet<SourceRow> Sources => Set<SourceRow>();

    /// <summary>Sync runs.</summary>
    public DbSet<SyncRunRow> SyncRuns => Set<SyncRunRow>();

    /// <summary>Per-package outcomes of sync runs.</summary>
    public DbSet<SyncRunPackageRow> SyncRunPackages => Set<SyncRunPackageRow>();

    /// <summary>Catalog plugins.</summary>
    public DbSet<PluginRow> Plugins => Set<PluginRow>();

    /// <summary>Catalog versions.</summary>
    public DbSet<PluginVersionRow> PluginVersions => Set<PluginVersionRow>();

    /// <summary>Installations.</summary>
    public DbSet<InstallationRow> Installations => Set<InstallationRow>();

    /// <summary>Events.</summary>
    public DbSet<EventRow> Events => Set<EventRow>();

    /// <summary>API tokens.</summary>
    public DbSet<TokenRow> Tokens => Set<TokenRow>();

    /// <summary>Managed hosts.</summary>
    public DbSet<ManagedHostRow> ManagedHosts => Set<ManagedHostRow>();

    /// <summary>What each managed host reported per installation.</summary>
    public DbSet<ManagedHostReportRow> ManagedHostReports => Set<ManagedHostReportRow>();

    /// <summary>Leases on work shared by center replicas.</summary>
    public DbSet<LeaseRow> Leases => Set<LeaseRow>();

    /// <summary>Gives every changed revisioned row a new revision, so a concurrent write based on the old one fails.</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries<IRevisioned>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                entry.Entity.Revision = Guid.NewGuid();
            }
        }

        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SourceRow>(e =>
        {
            e.ToTable("sources");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Revision).IsConcurrencyToken();
        });
        modelBuilder.Entity<SyncRunRow>(e =>
        {
            e.ToTable("sync_runs");
            e.HasIndex(x => new { x.Source, x.StartedAt });
            e.HasMany(x => x.Packages).WithOne().HasForeignKey(p => p.SyncRunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SyncRunPackageRow>().ToTable("sync_run_packages");
        modelBuilder.Entity<PluginRow>(e =>
        {
            e.ToTable("plugins");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(100);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasMany(x => x.Versions).WithOne().HasForeignKey(v => v.PluginId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<PluginVersionRow>(e =>
        {
            e.ToTable("plugin_versions");
            e.HasIndex(x => new { x.PluginId, x.Version }).IsUnique();
        });
        modelBuilder.Entity<InstallationRow>(e =>
        {
            e.ToTable("installations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.HasIndex(x => new { x.PluginId, x.Scope }).IsUnique();
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.Property(x => x.Revision).IsConcurrencyToken();
        });
        modelBuilder.Entity<EventRow>(e =>
        {
            e.ToTable("events");
            e.HasIndex(x => x.InstallationId);
            e.HasIndex(x => x.PluginId);
        });
        modelBuilder.Entity<TokenRow>(e =>
        {
            e.ToTable("tokens");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Hash).IsUnique();
        });
        modelBuilder.Entity<ManagedHostRow>(e =>
        {
            e.ToTable("managed_hosts");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
            e.HasIndex(x => x.Scope);
        });
        modelBuilder.Entity<ManagedHostReportRow>(e =>
        {
            e.ToTable("managed_host_reports");
            e.HasKey(x => new { x.HostName, x.InstallationId });
            e.Property(x => x.HostName).HasMaxLength(100);
            e.Property(x => x.InstallationId).HasMaxLength(40);
            e.HasIndex(x => x.InstallationId);
        });
        modelBuilder.Entity<LeaseRow>(e =>
        {
            e.ToTable("leases");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Holder).HasMaxLength(200);
        });
    }
}

/// <summary>The store on SQLite (the embedded default).</summary>
public sealed class SqliteCenterDbContext(DbContextOptions<SqliteCenterDbContext> options) : CenterDbContext(options)
{
    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type EF can compare or order by; store instants as sortable 64-bit numbers.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The store on PostgreSQL (several centers, or an operator's database).</summary>
public sealed class PostgresCenterDbContext(DbContextOptions<PostgresCenterDbContext> options) : CenterDbContext(options);
