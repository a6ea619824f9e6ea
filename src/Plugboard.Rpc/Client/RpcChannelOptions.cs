using System.Net.Http;

namespace Plugboard.Rpc.Client;

/// <summary>Settings of an <see cref="RpcChannel"/>.</summary>
public sealed class RpcChannelOptions
{
    /// <summary>The largest response message accepted; null for no limit. Default 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; } = Wire.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>The largest request message sent; null for no limit. Default 4 MiB.</summary>
    public int? MaxSendMessageSize { get; set; } = Wire.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>
    /// TLS settings. Required for mutual TLS, and to use TLS over a unix socket; an <c>https://</c> address
    /// without them validates the server against the machine's trusted roots.
    /// </summary>
    public RpcClientTlsOptions? Tls { get; set; }

    /// <summary>How long establishing a connection may take. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lets the caller adjust the HTTP handler (keep-alive pings, connection lifetime) before first use.</summary>
    public Action<SocketsHttpHandler>? ConfigureHandler { get; set; }
}
