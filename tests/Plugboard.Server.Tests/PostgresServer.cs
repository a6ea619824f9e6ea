using System.Diagnostics;
using Npgsql;
using Plugboard.Tests.Shared;

namespace Plugboard.Server.Tests;

/// <summary>
/// A real PostgreSQL (Debian's <c>postgresql</c> package) started for the test run: <c>initdb</c> into a temp folder as
/// a non-root user (<c>postgres</c> when the tests run as root), listening on 127.0.0.1 on a free port; stopped at the end.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _bin = null!;
    private string _data = null!;
    private bool _asPostgresUser;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault() ?? string.Empty
            : string.Empty;
        if (_bin.Length == 0)
        {
            throw new InvalidOperationException("PostgreSQL is not installed: the PostgreSQL tests need Debian's 'postgresql' package (apt-get install -y postgresql); scripts/test.sh installs it.");
        }

        _asPostgresUser = Environment.UserName == "root";
        _data = Path.Combine(Path.GetTempPath(), "plugboard-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_data);
        if (_asPostgresUser)
        {
            await RunAsync("chown", $"postgres {_data}", asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), $"-D {_data}/db -U plugboard --auth=trust -E UTF8 --no-sync", _asPostgresUser);
        Port = FreePort.Next();
        await RunAsync(Path.Combine(_bin, "pg_ctl"), $"-D {_data}/db -l {_data}/log -w -t 60 -o \"-p {Port} -k {_data} -c listen_addresses=127.0.0.1 -c fsync=off\" start", _asPostgresUser);
    }

    /// <summary>A new empty database's connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "center_" + Guid.NewGuid().ToString("N")[..10];
        await using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=plugboard;Database=postgres"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return $"Host=127.0.0.1;Port={Port};Username=plugboard;Database={name}";
    }

    public async Task DisposeAsync()
    {
        if (Port != 0)
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), $"-D {_data}/db -m immediate -w stop", _asPostgresUser);
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres)
    {
        var info = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {await output} {await error}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
