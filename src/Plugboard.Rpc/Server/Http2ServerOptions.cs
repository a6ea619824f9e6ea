using System.Net;
using Microsoft.Extensions.Logging;

namespace Plugboard.Rpc.Server;

/// <summary>Where and how an <see cref="Http2Server"/> listens.</summary>
public class Http2ServerOptions
{
    /// <summary>
    /// The unix domain socket to listen on. When set, the server listens there and not on TCP. The file
    /// must not exist, and the path must be short enough for the platform (about 100 bytes).
    /// </summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>The TCP address to listen on when no unix socket is set. Default 127.0.0.1.</summary>
    public IPAddress TcpAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The TCP port; 0 (the default) picks a free port, reported in <see cref="Http2Server.Endpoint"/>.</summary>
    public int TcpPort { get; set; }

    /// <summary>TLS settings; null serves HTTP/2 in clear text (h2c, by prior knowledge).</summary>
    public RpcServerTlsOptions? Tls { get; set; }

    /// <summary>How many calls one connection may carry at once. Default 100, as Kestrel's.</summary>
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>Where the server's and the handlers' logs go; null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
