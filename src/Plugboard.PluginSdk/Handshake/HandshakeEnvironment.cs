using System.Globalization;

namespace Plugboard.PluginSdk.Handshake;

/// <summary>
/// What the host tells a plugin in its environment at start-up (docs/protocol.md, "Handshake"). The names and
/// values are the same as <c>Plugboard.Hosting.Rpc.Handshake.HandshakeProtocol</c> on the host side.
/// </summary>
internal sealed class HandshakeEnvironment
{
    public const string CookieKey = "PLUGBOARD_PLUGIN";
    public const string CookieValue = "8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d";
    public const int CoreProtocolVersion = 1;
    public const int AppProtocolVersion = 1;

    public bool HasCookie { get; private init; }

    public IReadOnlyList<int> OfferedVersions { get; private init; } = [];

    public string? UnixSocketDirectory { get; private init; }

    public int MinPort { get; private init; }

    public int MaxPort { get; private init; }

    public string? ClientCertificatePem { get; private init; }

    public static HandshakeEnvironment Read()
    {
        var versions = Environment.GetEnvironmentVariable("PLUGIN_PROTOCOL_VERSIONS");
        var offered = string.IsNullOrWhiteSpace(versions)
            ? [AppProtocolVersion]
            : versions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
                .Where(n => n >= 0)
                .ToList();
        return new HandshakeEnvironment
        {
            HasCookie = Environment.GetEnvironmentVariable(CookieKey) == CookieValue,
            OfferedVersions = offered,
            UnixSocketDirectory = NullIfEmpty(Environment.GetEnvironmentVariable("PLUGIN_UNIX_SOCKET_DIR")),
            MinPort = Port("PLUGIN_MIN_PORT", 10000),
            MaxPort = Port("PLUGIN_MAX_PORT", 25000),
            ClientCertificatePem = NullIfEmpty(Environment.GetEnvironmentVariable("PLUGIN_CLIENT_CERT")),
        };
    }

    private static int Port(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : fallback;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
