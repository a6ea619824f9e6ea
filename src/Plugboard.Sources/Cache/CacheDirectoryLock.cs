namespace Plugboard.Sources.Cache;

/// <summary>
/// One writer at a time per cache folder (a sync or a garbage collection), across processes: an exclusive
/// lock on <c>{cacheDir}/.lock</c>, released by the operating system if the process dies.
/// </summary>
internal sealed class CacheDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private CacheDirectoryLock(FileStream file) => _file = file;

    public static async Task<CacheDirectoryLock> AcquireAsync(string cacheDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(cacheDirectory);
        var path = Path.Combine(cacheDirectory, ".lock");
        while (true)
        {
            try
            {
                return new CacheDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // Another sync or collection holds the cache; wait for it rather than fail.
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
