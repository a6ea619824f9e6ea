using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Coordination;

/// <summary>
/// The store's lock around a read-change-write of the shared cache index, for S3 servers that ignore conditional
/// writes: on PostgreSQL a session advisory lock (<c>pg_advisory_lock</c>) on a connection of its own, held until
/// released — or until the replica dies, since PostgreSQL ends a dead session and frees its locks; with SQLite
/// (one center) a lock in this process. Within one replica writers queue in-process first, so one connection at a
/// time waits on the store.
/// </summary>
public sealed class CacheIndexLock(IOptions<CenterOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _local = new(1, 1);

    /// <summary>Waits for the lock named <paramref name="name"/> (e.g. the index's bucket and key); dispose the result to release it.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        await _local.WaitAsync(cancellationToken).ConfigureAwait(false);
        var store = options.Value.Store;
        if (!string.Equals(store.Provider, "postgres", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(store.ConnectionString))
        {
            return new Held(_local, null, 0);
        }

        var held = new Held(_local, new NpgsqlConnectionStringBuilder(store.ConnectionString) { Pooling = false }.ConnectionString, KeyOf(name));
        try
        {
            await held.LockAsync(cancellationToken).ConfigureAwait(false);
            return held;
        }
        catch
        {
            await held.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _local.Dispose();

    /// <summary>The advisory lock key of <paramref name="name"/>: the first 8 bytes of its SHA-256.</summary>
    public static long KeyOf(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("plugboard:" + name)), 0);

    private sealed class Held : IAsyncDisposable
    {
        private readonly SemaphoreSlim _local;
        private readonly NpgsqlConnection? _connection;
        private readonly long _key;
        private bool _locked;
        private int _released;

        public Held(SemaphoreSlim local, string? connectionString, long key)
        {
            _local = local;
            _connection = connectionString is null ? null : new NpgsqlConnection(connectionString);
            _key = key;
        }

        public async Task LockAsync(CancellationToken cancellationToken)
        {
            await _connection!.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", _connection);
            command.Parameters.AddWithValue("key", _key);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _locked = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1)
            {
                return;
            }

            try
            {
                if (_connection is not null)
                {
                    try
                    {
                        if (_locked)
                        {
                            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
                            command.Parameters.AddWithValue("key", _key);
                            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        // Closing the session frees the lock even when the unlock above failed.
                        await _connection.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                _local.Release();
            }
        }
    }
}
