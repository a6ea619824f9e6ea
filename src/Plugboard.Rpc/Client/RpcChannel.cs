using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Plugboard.Rpc.Client;

/// <summary>
/// A connection pool to one gRPC server, speaking HTTP/2 by prior knowledge (h2c) or over TLS, on TCP or
/// a unix domain socket. Create one per server and share it: calls are multiplexed as HTTP/2 streams, and
/// new connections are opened when a connection's stream limit is reached.
/// </summary>
public sealed class RpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _http;

    private RpcChannel(string address, Uri baseUri, HttpMessageInvoker http, RpcChannelOptions options)
    {
        Address = address;
        _http = http;
        CallInvoker = new HttpCallInvoker(http, baseUri, address, options);
    }

    /// <summary>The address the channel was created for.</summary>
    public string Address { get; }

    /// <summary>The invoker typed clients call through.</summary>
    public IRpcCallInvoker CallInvoker { get; }

    /// <summary>
    /// Creates a channel for <paramref name="address"/>: <c>http://127.0.0.1:PORT</c> (h2c),
    /// <c>https://HOST:PORT</c> (TLS), or <c>unix:///absolute/path.sock</c> (h2c, or TLS when
    /// <see cref="RpcChannelOptions.Tls"/> is set). No connection is made until the first call.
    /// </summary>
    /// <exception cref="ArgumentException">The address is not one of the forms above.</exception>
    public static RpcChannel ForAddress(string address, RpcChannelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        options ??= new RpcChannelOptions();
        var handler = new SocketsHttpHandler
        {
            // A plugin channel talks to one server directly: a proxy from the environment would break h2c.
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
        };

        Uri baseUri;
        bool tls;
        if (address.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            var path = UnixSocketPath(address);
            tls = options.Tls is not null;
            baseUri = new Uri(tls ? "https://localhost/" : "http://localhost/");
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
            tls = uri.Scheme == Uri.UriSchemeHttps;
            if (!tls && options.Tls is not null)
            {
                throw new ArgumentException(
                    $"Address '{address}' is plain http but TLS options were given: use an https:// address for TLS over TCP.", nameof(address));
            }

            baseUri = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        }
        else
        {
            throw new ArgumentException(
                $"Unsupported channel address '{address}': expected http://HOST:PORT, https://HOST:PORT or unix:///PATH.", nameof(address));
        }

        if (tls)
        {
            ConfigureTls(handler, options.Tls, baseUri);
        }

        options.ConfigureHandler?.Invoke(handler);
        return new RpcChannel(address, baseUri, new HttpMessageInvoker(handler, disposeHandler: true), options);
    }

    /// <summary>Creates a channel for a server endpoint, e.g. the one a plugin announced in its handshake.</summary>
    public static RpcChannel ForEndpoint(RpcEndpoint endpoint, RpcChannelOptions? options = null) =>
        ForAddress(endpoint.ToChannelAddress(tls: options?.Tls is not null), options);

    /// <summary>Closes the connections; calls in flight fail with <see cref="StatusCode.Cancelled"/> or <see cref="StatusCode.Unavailable"/>.</summary>
    public void Dispose() => _http.Dispose();

    private static string UnixSocketPath(string address)
    {
        // unix:///abs/path (URI form) or unix:/abs/path and unix:relative/path (gRPC name-resolution forms).
        var path = address.StartsWith("unix://", StringComparison.OrdinalIgnoreCase)
            ? address["unix://".Length..]
            : address["unix:".Length..];
        if (path.Length == 0)
        {
            throw new ArgumentException($"Channel address '{address}' names no socket path.", nameof(address));
        }

        return Uri.UnescapeDataString(path);
    }

    private static void ConfigureTls(SocketsHttpHandler handler, RpcClientTlsOptions? tls, Uri baseUri)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            TargetHost = tls?.TargetHost ?? baseUri.Host,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        };
        if (tls?.ClientCertificate is { } clientCertificate)
        {
            ssl.ClientCertificates = [clientCertificate];
        }

        if (tls?.TrustedCertificateAuthorities is { Count: > 0 } authorities)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                CertificateTrust.IsTrusted(certificate, errors, authorities, checkName: true);
        }

        handler.SslOptions = ssl;
    }
}
