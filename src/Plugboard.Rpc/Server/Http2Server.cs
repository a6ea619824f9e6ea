using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Plugboard.Rpc.Server;

/// <summary>
/// A Kestrel server that speaks only HTTP/2 (h2c by prior knowledge, or TLS with ALPN h2) on a unix socket or
/// a loopback TCP port, and hands every request to one <see cref="RequestDelegate"/>. <see cref="RpcServer"/>
/// runs gRPC on it; benchmarks run a raw echo on it to measure the floor under gRPC.
/// </summary>
public sealed class Http2Server : IAsyncDisposable
{
    private readonly Http2ServerOptions _options;
    private readonly RequestDelegate _application;
    private WebApplication? _app;
    private RpcEndpoint? _endpoint;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    public Http2Server(Http2ServerOptions options, RequestDelegate application)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _application = application ?? throw new ArgumentNullException(nameof(application));
    }

    /// <summary>Where the server listens, with the real port when 0 was asked. Available once started.</summary>
    public RpcEndpoint Endpoint => _endpoint ?? throw new InvalidOperationException("The server is not started: call StartAsync first.");

    /// <summary>The channel address of the server (<c>http://127.0.0.1:PORT</c>, <c>https://…</c>, <c>unix:///PATH</c>).</summary>
    public string Address => Endpoint.ToChannelAddress(tls: _options.Tls is not null);

    /// <summary>Binds and starts listening.</summary>
    /// <exception cref="IOException">The socket path or port is taken.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(Http2Server).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(_options.LoggerFactory ?? NullLoggerFactory.Instance));
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = _options.MaxStreamsPerConnection;
            if (_options.UnixSocketPath is { } socketPath)
            {
                kestrel.ListenUnixSocket(socketPath, ConfigureListener);
            }
            else
            {
                kestrel.Listen(_options.TcpAddress, _options.TcpPort, ConfigureListener);
            }
        });

        var app = builder.Build();
        app.Run(_application);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            var where = _options.UnixSocketPath is { } socket ? $"unix socket {socket}" : $"{_options.TcpAddress}:{_options.TcpPort}";
            throw new IOException($"Could not listen on {where}: {ex.Message} Choose a free port or a socket path that does not exist yet.", ex);
        }

        _app = app;
        _endpoint = _options.UnixSocketPath is { } path ? RpcEndpoint.Unix(path) : RpcEndpoint.Tcp(BoundTcpEndPoint(app));
    }

    /// <summary>Stops listening and ends open calls.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not { } app)
        {
            return;
        }

        _app = null;
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);

        // Only a socket this server bound is removed; a file that made binding fail is left alone.
        if (_endpoint is { Network: RpcEndpoint.UnixNetwork } endpoint && File.Exists(endpoint.Address))
        {
            File.Delete(endpoint.Address);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(timeout.Token).ConfigureAwait(false);
    }

    private void ConfigureListener(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http2;
        if (_options.Tls is { } tls)
        {
            var https = new HttpsConnectionAdapterOptions { ServerCertificate = tls.ServerCertificate };
            if (tls.ClientCertificateAuthorities is { Count: > 0 } authorities)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, errors) =>
                    CertificateTrust.IsTrusted(certificate, errors, authorities, checkName: false);
            }

            listen.UseHttps(https);
        }
    }

    private IPEndPoint BoundTcpEndPoint(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
            {
                return new IPEndPoint(ip, uri.Port);
            }
        }

        throw new InvalidOperationException(
            $"Kestrel reported no TCP address for {_options.TcpAddress}:{_options.TcpPort} (addresses: {string.Join(", ", addresses)}).");
    }
}
