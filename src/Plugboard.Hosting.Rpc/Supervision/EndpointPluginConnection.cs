using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Channels;
using Plugboard.Hosting.Rpc.Processes;

namespace Plugboard.Hosting.Rpc.Supervision;

/// <summary>
/// The link to a plugin that runs on its own (a container, a Kubernetes service): no process to start or stop,
/// the same deadlines, health checks and states. A failing endpoint is shown as not serving until it recovers.
/// </summary>
public sealed class EndpointPluginConnection : RpcPluginConnection
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _health;
    private int _stopped;

    /// <summary>Creates the connection to <paramref name="address"/>; nothing is called until <see cref="StartAsync"/>.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <param name="address"><c>grpc://host:port</c>, <c>http://host:port</c>, <c>https://host:port</c>, <c>unix:///path</c> or <c>host:port</c>.</param>
    /// <param name="options">The plugin's options.</param>
    /// <param name="logger">The plugin's logger.</param>
    /// <param name="timeProvider">The clock of health checks and timeouts; the system's by default.</param>
    public EndpointPluginConnection(string pluginId, string address, RpcPluginOptions options, ILogger logger, TimeProvider? timeProvider = null)
        : base(pluginId, options, logger, timeProvider)
    {
        ChannelAddress = ToChannelAddress(address);
    }

    /// <summary>The address as the channel uses it.</summary>
    public string ChannelAddress { get; }

    /// <summary>
    /// Turns an endpoint address into a channel address: <c>grpc://</c> becomes <c>http://</c> (h2c), <c>grpcs://</c>
    /// becomes <c>https://</c>, a bare <c>host:port</c> becomes <c>http://host:port</c>.
    /// </summary>
    /// <exception cref="FormatException">The address is none of these.</exception>
    public static string ToChannelAddress(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        address = address.Trim();
        if (address.StartsWith("unix:", StringComparison.OrdinalIgnoreCase)
            || address.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || address.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return address;
        }

        if (address.StartsWith("grpc://", StringComparison.OrdinalIgnoreCase))
        {
            return "http://" + address["grpc://".Length..];
        }

        if (address.StartsWith("grpcs://", StringComparison.OrdinalIgnoreCase))
        {
            return "https://" + address["grpcs://".Length..];
        }

        if (!address.Contains("://", StringComparison.Ordinal) && Uri.TryCreate("http://" + address, UriKind.Absolute, out var uri) && !uri.IsDefaultPort)
        {
            return "http://" + address;
        }

        throw new FormatException(
            $"'{address}' is not a plugin endpoint address; use grpc://host:port (plain HTTP/2), grpcs://host:port (TLS) or unix:///path/to.sock");
    }

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        PluginChannel? channel = PluginChannel.ForAddress(ChannelAddress, CreateChannelSettings());
        try
        {
            using var deadline = new CancellationTokenSource(Options.StartTimeout, Time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            while (await CheckHealthAsync(channel.Invoker, timeout.Token).ConfigureAwait(false) is { } problem)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), Time, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new PluginStartException(
                        $"{PluginId}: the endpoint {ChannelAddress} did not answer its health check within {Options.StartTimeout.TotalSeconds:0.#} s ({problem.Message}). " +
                        "Check the service runs and serves grpc.health.v1.Health, and the address in the manifest's entry or RpcPluginOptions.EndpointAddress.");
                }
            }

            var invoker = channel.Invoker;
            Publish(channel, RpcPluginState.Serving, null);
            channel = null; // the connection owns it now
            _health = Task.Run(() => RunHealthChecksAsync(invoker, OnUnhealthy, _stopping.Token), CancellationToken.None);
        }
        finally
        {
            channel?.Dispose();
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_health is { } health)
        {
            await health.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The service is not ours to stop: only the channel to it is closed.
        Publish(null, RpcPluginState.Stopped, "stopped by the host");
    }

    private void OnUnhealthy(string problem)
    {
        Logger.LogError("Plugin {PluginId} at {Address} is not serving: {Problem}.", PluginId, ChannelAddress, problem);
        SetState(RpcPluginState.NotServing, problem);
    }
}
