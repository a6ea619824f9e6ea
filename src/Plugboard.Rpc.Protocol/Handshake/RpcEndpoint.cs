using System.Globalization;
using System.Net;

namespace Plugboard.Rpc;

/// <summary>
/// Where a gRPC server listens, in the two words of the plugin handshake: a network (<c>unix</c> or
/// <c>tcp</c>) and an address (a socket path, or <c>host:port</c>).
/// </summary>
/// <param name="Network"><see cref="UnixNetwork"/> or <see cref="TcpNetwork"/>.</param>
/// <param name="Address">A unix socket path, or <c>host:port</c> for TCP.</param>
public sealed record RpcEndpoint(string Network, string Address)
{
    /// <summary>The network name of unix domain sockets.</summary>
    public const string UnixNetwork = "unix";

    /// <summary>The network name of TCP.</summary>
    public const string TcpNetwork = "tcp";

    /// <summary>A unix domain socket at <paramref name="path"/>.</summary>
    public static RpcEndpoint Unix(string path) => new(UnixNetwork, path);

    /// <summary>A TCP endpoint.</summary>
    public static RpcEndpoint Tcp(IPEndPoint endPoint) =>
        new(TcpNetwork, endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{endPoint.Address}]:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endPoint.Address}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The channel address of this endpoint: <c>unix:///path</c>, <c>http://host:port</c> or, with
    /// <paramref name="tls"/>, <c>https://host:port</c>. For unix sockets TLS is chosen by the channel options.
    /// </summary>
    public string ToChannelAddress(bool tls = false) => Network switch
    {
        UnixNetwork => "unix://" + (Address.StartsWith('/') ? Address : "/" + Address),
        TcpNetwork => (tls ? "https://" : "http://") + Address,
        _ => throw new InvalidOperationException($"Unknown network '{Network}': expected '{UnixNetwork}' or '{TcpNetwork}'."),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Network}|{Address}";
}
