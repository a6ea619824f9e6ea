namespace Plugboard.Server.Catalog;

/// <summary>Checks the center's cache before the center serves: with S3, that the bucket can be written and whether it honours conditional writes.</summary>
public sealed class CenterCacheStartup(CenterCache cache) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => cache.StartAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
