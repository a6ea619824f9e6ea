namespace Plugboard.Sources.S3.Cache;

/// <summary>
/// The shared cache index changed in the bucket since this host read it (another host synced meanwhile);
/// nothing was written. Syncing again reads the newer index and applies this host's changes to it.
/// </summary>
public sealed class S3IndexConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public S3IndexConflictException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
