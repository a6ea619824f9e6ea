using Fixture.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting;
using Plugboard.Hosting.Managed;

namespace Plugboard.Managed.Tests;

/// <summary>A real managed host in the test process: a generic host with AddPlugboard().UseCenter(…) and its own state folder.</summary>
public sealed class ManagedTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ManagedTestHost(IHost host, string name, string stateDirectory)
    {
        _host = host;
        Name = name;
        StateDirectory = stateDirectory;
    }

    public string Name { get; }

    public string StateDirectory { get; }

    public IPluginRegistry<IGreeter> Greeters => _host.Services.GetRequiredService<IPluginRegistry<IGreeter>>();

    public PluginHost Plugins => _host.Services.GetRequiredService<PluginHost>();

    public static async Task<ManagedTestHost> StartAsync(string url, string token, string scope, string name, string stateDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPlugboard(o => o.DrainTimeout = TimeSpan.FromSeconds(10))
            .AddContract<IGreeter>()
            .UseCenter(new Uri(url), token, scope, o =>
            {
                o.Name = name;
                o.StateDirectory = stateDirectory;
                o.WatchWait = TimeSpan.FromSeconds(5);
                o.HeartbeatInterval = TimeSpan.FromSeconds(1);
                o.InitialBackoff = TimeSpan.FromMilliseconds(200);
                o.MaxBackoff = TimeSpan.FromSeconds(1);
            });
        var host = builder.Build();
        await host.StartAsync();
        return new ManagedTestHost(host, name, stateDirectory);
    }

    /// <summary>The greeting of custom-hello on this host, or null when it runs none.</summary>
    public string? TryGreet(string name)
    {
        try
        {
            return Greeters.TryGet("custom-hello", out var greeter) ? greeter.Greet(name) : null;
        }
        catch (PluginNotAvailableException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
