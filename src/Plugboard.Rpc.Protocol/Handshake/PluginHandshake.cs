using System.Globalization;

namespace Plugboard.Rpc.Handshake;

/// <summary>
/// The constants of the start-up handshake between a host and a process plugin (docs/protocol.md, "Handshake"),
/// compatible with HashiCorp go-plugin. Both the host runtime and the plugin SDK use these, so the two sides
/// cannot drift apart.
/// </summary>
public static class PluginHandshake
{
    /// <summary>The environment variable holding the magic cookie; a plugin started without it refuses to run.</summary>
    public const string MagicCookieKey = "PLUGBOARD_PLUGIN_MAGIC_COOKIE";

    /// <summary>The value of the magic cookie.</summary>
    public const string MagicCookieValue = "8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d";

    /// <summary>The version of the handshake itself (the first field of the line); go-plugin's is 1 too.</summary>
    public const int CoreProtocolVersion = 1;

    /// <summary>The version of the Plugboard application protocol (plugboard.v1 + health + contract services).</summary>
    public const int AppProtocolVersion = 1;

    /// <summary>Comma-separated application protocol versions the host speaks, e.g. <c>1</c> or <c>1,2</c>.</summary>
    public const string ProtocolVersionsVariable = "PLUGIN_PROTOCOL_VERSIONS";

    /// <summary>The directory where the plugin creates its unix socket.</summary>
    public const string UnixSocketDirectoryVariable = "PLUGIN_UNIX_SOCKET_DIR";

    /// <summary>The lowest TCP port the plugin may listen on when it cannot use a unix socket.</summary>
    public const string MinPortVariable = "PLUGIN_MIN_PORT";

    /// <summary>The highest TCP port the plugin may listen on when it cannot use a unix socket.</summary>
    public const string MaxPortVariable = "PLUGIN_MAX_PORT";

    /// <summary>The only wire protocol Plugboard speaks with plugins (the fifth field of the line).</summary>
    public const string GrpcProtocol = "grpc";

    /// <summary>
    /// The application protocol version a plugin should answer: the highest of <paramref name="supported"/>
    /// that the host offered in <see cref="ProtocolVersionsVariable"/>; null when they share none.
    /// </summary>
    /// <param name="offeredByHost">The variable's value, e.g. <c>"1,2"</c>; empty or null means the host offers only version 1.</param>
    /// <param name="supported">The versions the plugin implements.</param>
    public static int? NegotiateAppVersion(string? offeredByHost, IEnumerable<int> supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        var offered = string.IsNullOrWhiteSpace(offeredByHost)
            ? [AppProtocolVersion]
            : offeredByHost.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
                .Where(v => v > 0)
                .ToHashSet();
        var common = supported.Where(offered.Contains).ToList();
        return common.Count == 0 ? null : common.Max();
    }
}
