using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Plugboard.Server.Store;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite context without starting the server.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCenterDbContext>
{
    public SqliteCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCenterDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL context without a database.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCenterDbContext>
{
    public PostgresCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCenterDbContext>().UseNpgsql("Host=127.0.0.1;Database=design").Options);
}
