using Fixture.Contracts;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Tests;

/// <summary>A plugins directory plus a started PluginHost declaring the fixture contracts.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;

    /// <param name="configure">Adjusts the options.</param>
    /// <param name="timeProvider">The host's clock; a FakeTimeProvider lets a test drive debounce, rescans and timeouts.</param>
    public TestHost(Action<PlugboardOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        Logs = new CapturingLoggerProvider();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        Options = new PlugboardOptions { PluginsDirectory = Folders.Root, DrainTimeout = TimeSpan.FromSeconds(20) };
        configure?.Invoke(Options);
        Host = new PluginHost(Options, _loggerFactory, timeProvider: timeProvider);
        Host.AddContract<IGreeter>().AddContract<ICalculator>();
    }

    public PluginFolders Folders { get; } = new();

    public CapturingLoggerProvider Logs { get; }

    public PlugboardOptions Options { get; }

    public PluginHost Host { get; }

    public IPluginRegistry<IGreeter> Greeters => Host.Registry<IGreeter>();

    public Task StartAsync() => Host.StartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _loggerFactory.Dispose();
        Folders.Dispose();
    }
}
