namespace Plugboard.Hosting.Rpc.Handshake;

/// <summary>
/// The names and numbers of the start-up handshake between a host and a process plugin, compatible with
/// HashiCorp go-plugin (see docs/protocol.md, "Handshake"). Plugin SDKs in any language use the same values.
/// </summary>
public static class HandshakeProtocol
{
    /// <summary>The environment variable holding the magic cookie; a plugin refuses to run without it.</summary>
    public const string CookieKey = "PLUGBOARD_PLUGIN";

    /// <summary>The magic cookie's value. Not a secret: it only tells a plugin it was started by a Plugboard host.</summary>
    public const string CookieValue = "8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d";

    /// <summary>The version of the handshake itself (go-plugin's core protocol version).</summary>
    public const int CoreProtocolVersion = 1;

    /// <summary>The application protocol version this host speaks: plugboard.v1 services over gRPC.</summary>
    public const int AppProtocolVersion = 1;

    /// <summary>The environment variable listing the app protocol versions the host offers, comma-separated.</summary>
    public const string ProtocolVersionsVariable = "PLUGIN_PROTOCOL_VERSIONS";

    /// <summary>When set, the folder a plugin creates its unix socket in; when absent, the plugin listens on loopback TCP.</summary>
    public const string UnixSocketDirVariable = "PLUGIN_UNIX_SOCKET_DIR";

    /// <summary>The lowest TCP port a plugin may listen on.</summary>
    public const string MinPortVariable = "PLUGIN_MIN_PORT";

    /// <summary>The highest TCP port a plugin may listen on.</summary>
    public const string MaxPortVariable = "PLUGIN_MAX_PORT";

    /// <summary>When set, the PEM certificate of the host for automatic mutual TLS: the plugin serves TLS and accepts only it.</summary>
    public const string ClientCertVariable = "PLUGIN_CLIENT_CERT";

    /// <summary>The only wire protocol of Plugboard plugins.</summary>
    public const string GrpcProtocol = "grpc";
}
