using System.Globalization;
using Plugboard.Rpc.Handshake;

namespace Plugboard.PluginSdk.Handshake;

/// <summary>What the host tells a plugin in its environment at start-up (docs/protocol.md, "Handshake").</summary>
internal sealed class HandshakeEnvironment
{
    /// <summary>The host's PEM certificate when it asks for automatic mutual TLS (go-plugin's variable).</summary>
    public const string ClientCertVariable = "PLUGIN_CLIENT_CERT";

    /// <summary>The app protocol versions this SDK implements.</summary>
    public static readonly int[] SupportedVersions = [PluginHandshake.AppProtocolVersion];

    public bool HasCookie { get; private init; }

    public string? OfferedVersions { get; private init; }

    /// <summary>The version chosen from those offered, or null when there is none in common.</summary>
    public int? ChosenVersion { get; private init; }

    public string? UnixSocketDirectory { get; private init; }

    public int MinPort { get; private init; }

    public int MaxPort { get; private init; }

    public string? ClientCertificatePem { get; private init; }

    public static HandshakeEnvironment Read()
    {
        var offered = Environment.GetEnvironmentVariable(PluginHandshake.ProtocolVersionsVariable);
        return new HandshakeEnvironment
        {
            HasCookie = Environment.GetEnvironmentVariable(PluginHandshake.MagicCookieKey) == PluginHandshake.MagicCookieValue,
            OfferedVersions = offered,
            ChosenVersion = PluginHandshake.NegotiateAppVersion(offered, SupportedVersions),
            UnixSocketDirectory = NullIfEmpty(Environment.GetEnvironmentVariable(PluginHandshake.UnixSocketDirectoryVariable)),
            MinPort = Port(PluginHandshake.MinPortVariable, 10000),
            MaxPort = Port(PluginHandshake.MaxPortVariable, 25000),
            ClientCertificatePem = NullIfEmpty(Environment.GetEnvironmentVariable(ClientCertVariable)),
        };
    }

    private static int Port(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : fallback;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
