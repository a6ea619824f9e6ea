namespace Plugboard.Rpc.Server;

/// <summary>
/// A gRPC server on Kestrel serving the methods of an <see cref="RpcServiceBuilder"/> over HTTP/2, on a unix
/// socket or a loopback TCP port (port 0 picks a free one, reported by <see cref="Endpoint"/>).
/// </summary>
public sealed class RpcServer : IAsyncDisposable
{
    private readonly Http2Server _http;

    /// <summary>Creates a server for the methods of <paramref name="services"/>; nothing listens until <see cref="StartAsync(CancellationToken)"/>.</summary>
    public RpcServer(RpcServerOptions options, RpcServiceBuilder services)
    {
        ArgumentNullException.ThrowIfNull(options);
        Dispatcher = new RpcRequestDispatcher(services, options);
        _http = new Http2Server(options, Dispatcher.HandleAsync);
    }

    /// <summary>The dispatcher of the server's methods.</summary>
    public RpcRequestDispatcher Dispatcher { get; }

    /// <summary>Where the server listens; available once started.</summary>
    public RpcEndpoint Endpoint => _http.Endpoint;

    /// <summary>The channel address clients use: <c>http://127.0.0.1:PORT</c>, <c>https://…</c> or <c>unix:///PATH</c>.</summary>
    public string Address => _http.Address;

    /// <summary>Creates and starts a server in one step.</summary>
    public static async Task<RpcServer> StartAsync(RpcServerOptions options, Action<RpcServiceBuilder> configureServices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        var services = new RpcServiceBuilder();
        configureServices(services);
        var server = new RpcServer(options, services);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Binds and starts listening.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _http.StartAsync(cancellationToken);

    /// <summary>Stops listening and ends open calls; removes the unix socket file.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _http.StopAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _http.DisposeAsync();
}
