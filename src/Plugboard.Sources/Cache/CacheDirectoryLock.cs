using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Plugboard.Sources.Cache;

/// <summary>
/// One writer at a time per cache folder (a sync or a garbage collection), across processes: an exclusive
/// lock on <c>{cacheDir}/.lock</c>, released by the operating system if the process dies. The holder writes who it is
/// to <c>{cacheDir}/.lock.owner</c>, so a writer that has to wait can say for whom, and gives up after a set time.
/// </summary>
internal sealed class CacheDirectoryLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _file;

    private CacheDirectoryLock(FileStream file) => _file = file;

    public static Task<CacheDirectoryLock> AcquireAsync(string cacheDirectory, CancellationToken cancellationToken)
        => AcquireAsync(cacheDirectory, Timeout.InfiniteTimeSpan, NullLogger.Instance, TimeProvider.System, cancellationToken);

    /// <exception cref="CacheLockTimeoutException">The lock was held by another process for longer than <paramref name="timeout"/>.</exception>
    public static async Task<CacheDirectoryLock> AcquireAsync(string cacheDirectory, TimeSpan timeout, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(cacheDirectory);
        var path = Path.Combine(cacheDirectory, ".lock");
        var started = time.GetTimestamp();
        var told = false;
        while (true)
        {
            try
            {
                var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                WriteOwner(cacheDirectory);
                return new CacheDirectoryLock(file);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // Another sync or collection holds the cache: wait for it, say for whom, and give up in the end.
                if (!told)
                {
                    logger.LogWarning("Waiting for the cache lock of {CacheDirectory}, held by {Owner}; giving up after {Timeout}.", cacheDirectory, DescribeOwner(cacheDirectory), timeout);
                    told = true;
                }

                if (timeout != Timeout.InfiniteTimeSpan && time.GetElapsedTime(started) >= timeout)
                {
                    throw new CacheLockTimeoutException(
                        $"The cache {cacheDirectory} is locked by {DescribeOwner(cacheDirectory)}, and it was not released within {timeout}. " +
                        "Wait for that sync or garbage collection to finish (or stop it), then try again; raise CacheLockTimeout to wait longer.");
                }

                await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _file.Dispose();

    private static string OwnerPath(string cacheDirectory) => Path.Combine(cacheDirectory, ".lock.owner");

    private static void WriteOwner(string cacheDirectory)
    {
        using var process = Process.GetCurrentProcess();
        var owner = new LockOwner(Environment.ProcessId, process.ProcessName, Environment.MachineName, Environment.CommandLine, DateTimeOffset.UtcNow);
        try
        {
            File.WriteAllBytes(OwnerPath(cacheDirectory), JsonSerializer.SerializeToUtf8Bytes(owner));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a courtesy to whoever waits next.
        }
    }

    /// <summary>Who holds the lock, as its holder wrote it: process id, name, machine and since when.</summary>
    internal static string DescribeOwner(string cacheDirectory)
    {
        try
        {
            var owner = JsonSerializer.Deserialize<LockOwner>(File.ReadAllBytes(OwnerPath(cacheDirectory)));
            if (owner is not null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"process {owner.ProcessId} ({owner.ProcessName}) on {owner.Machine} since {owner.Since:u}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
        }

        return "another process (it did not say which)";
    }

    private sealed record LockOwner(int ProcessId, string ProcessName, string Machine, string CommandLine, DateTimeOffset Since);
}

/// <summary>A sync or garbage collection gave up waiting for the cache lock; the message says who holds it and what to do.</summary>
public sealed class CacheLockTimeoutException(string message) : IOException(message);
