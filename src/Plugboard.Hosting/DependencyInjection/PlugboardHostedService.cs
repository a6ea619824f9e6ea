using Microsoft.Extensions.Hosting;

namespace Plugboard.Hosting;

/// <summary>Starts the <see cref="PluginHost"/> with the application (loading every plugin) and stops it with it (unloading them).</summary>
internal sealed class PlugboardHostedService(PluginHost host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
}
