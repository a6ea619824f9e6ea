using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Plugboard.Rpc;

namespace Plugboard.Hosting.Rpc.Channels;

/// <summary>
/// A <see cref="GrpcChannel"/> to one plugin, over a unix domain socket (<c>unix:///path</c>, reached through
/// <see cref="SocketsHttpHandler.ConnectCallback"/>) or TCP (<c>http://</c> h2c, <c>https://</c> TLS), with the
/// automatic mutual TLS of the handshake when it was asked for. The only place the host builds a channel.
/// </summary>
public sealed class PluginChannel : IDisposable
{
    private PluginChannel(string address, GrpcChannel channel)
    {
        Address = address;
        Channel = channel;
        Invoker = channel.CreateCallInvoker();
    }

    /// <summary>The address as given (<c>unix:///…</c>, <c>http://…</c>, <c>https://…</c>).</summary>
    public string Address { get; }

    /// <summary>The gRPC channel; generated clients call through its <see cref="GrpcChannel.CreateCallInvoker"/>.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The channel's invoker.</summary>
    public CallInvoker Invoker { get; }

    /// <summary>Creates a channel for a plugin's endpoint as its handshake line announced it.</summary>
    public static PluginChannel ForEndpoint(RpcEndpoint endpoint, PluginChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(settings);
        return ForAddress(endpoint.ToChannelAddress(tls: settings.Tls is not null), settings);
    }

    /// <summary>
    /// Creates a channel for <paramref name="address"/>: <c>http://HOST:PORT</c>, <c>https://HOST:PORT</c> or
    /// <c>unix:///absolute/path.sock</c> (h2c, or TLS when <see cref="PluginChannelSettings.Tls"/> is set). Nothing
    /// connects until the first call.
    /// </summary>
    /// <exception cref="ArgumentException">The address is none of these.</exception>
    public static PluginChannel ForAddress(string address, PluginChannelSettings settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentNullException.ThrowIfNull(settings);
        var handler = new SocketsHttpHandler
        {
            // One plugin, reached directly: a proxy from the environment would break h2c.
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = settings.ConnectTimeout,
            // A plugin is idle for long stretches between calls; keep the connection rather than reconnect.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };

        string target;
        if (address.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            var path = UnixSocketPath(address);
            target = settings.Tls is null ? "http://localhost" : "https://localhost";
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        else if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (uri.Scheme == Uri.UriSchemeHttp && settings.Tls is not null)
            {
                handler.Dispose();
                throw new ArgumentException($"Address '{address}' is plain http but TLS was asked for: use an https:// address for TLS over TCP.", nameof(address));
            }

            target = uri.GetLeftPart(UriPartial.Authority);
        }
        else
        {
            handler.Dispose();
            throw new ArgumentException($"Unsupported channel address '{address}': expected http://HOST:PORT, https://HOST:PORT or unix:///PATH.", nameof(address));
        }

        if (settings.Tls is { } tls)
        {
            var ssl = new SslClientAuthenticationOptions { TargetHost = tls.TargetHost ?? "localhost" };
            if (tls.ClientCertificate is { } clientCertificate)
            {
                ssl.ClientCertificates = [clientCertificate];
            }

            if (tls.TrustedCertificateAuthorities is { Count: > 0 } authorities)
            {
                ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    CertificateTrust.IsTrusted(certificate, errors, authorities, checkName: true);
            }

            handler.SslOptions = ssl;
        }

        var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = settings.MaxMessageSize,
            MaxSendMessageSize = settings.MaxMessageSize,
            // The host gives every call a deadline and restarts plugins itself: retries would hide a crash.
            MaxRetryAttempts = 0,
        });
        return new PluginChannel(address, channel);
    }

    /// <summary>Closes the connections; calls in flight end (the host reports them Unavailable).</summary>
    public void Dispose() => Channel.Dispose();

    private static string UnixSocketPath(string address)
    {
        var path = address.StartsWith("unix://", StringComparison.OrdinalIgnoreCase) ? address["unix://".Length..] : address["unix:".Length..];
        if (path.Length == 0)
        {
            throw new ArgumentException($"Channel address '{address}' names no socket path.", nameof(address));
        }

        return Uri.UnescapeDataString(path);
    }
}

/// <summary>How <see cref="PluginChannel"/> connects.</summary>
public sealed class PluginChannelSettings
{
    /// <summary>The largest message sent or received; null for no limit. Default 4 MiB.</summary>
    public int? MaxMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long opening a connection may take. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>TLS (mutual when a client certificate is set); null for h2c.</summary>
    public PluginChannelTls? Tls { get; init; }
}

/// <summary>TLS to a plugin: the authorities its certificate must chain to, and the host's own certificate.</summary>
public sealed class PluginChannelTls
{
    /// <summary>The authorities the plugin's certificate must chain to; null or empty: the machine's roots.</summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; init; }

    /// <summary>The certificate the host presents (mutual TLS); null for none.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The name the plugin's certificate must be issued for. Default <c>localhost</c>.</summary>
    public string? TargetHost { get; init; }
}
