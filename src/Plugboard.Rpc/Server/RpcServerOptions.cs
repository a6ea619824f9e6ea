namespace Plugboard.Rpc.Server;

/// <summary>Settings of an <see cref="RpcServer"/>: where it listens and how it treats calls.</summary>
public sealed class RpcServerOptions : Http2ServerOptions
{
    /// <summary>The largest request message accepted; larger ones end the call with ResourceExhausted. Default 4 MiB; null for no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = Wire.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>The largest response message sent; larger ones end the call with ResourceExhausted. Default 4 MiB; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; } = Wire.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>
    /// When true, an unexpected exception of a handler is described in the status message sent to the client.
    /// Off by default: exception messages may carry secrets.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }
}
