using System.Globalization;

namespace Plugboard.Rpc.Handshake;

/// <summary>
/// The one line a process plugin prints on stdout once it serves: <c>CORE|APP|NETWORK|ADDRESS|grpc</c>, e.g.
/// <c>1|1|unix|/tmp/plugboard-x/plugin.sock|grpc</c> or <c>1|1|tcp|127.0.0.1:10234|grpc</c>.
/// </summary>
/// <param name="CoreProtocolVersion">The handshake version; must be <see cref="PluginHandshake.CoreProtocolVersion"/>.</param>
/// <param name="AppProtocolVersion">The application protocol version the plugin chose from those the host offered.</param>
/// <param name="Endpoint">Where the plugin listens.</param>
/// <param name="Protocol">The wire protocol; Plugboard accepts only <c>grpc</c>.</param>
public sealed record HandshakeLine(int CoreProtocolVersion, int AppProtocolVersion, RpcEndpoint Endpoint, string Protocol)
{
    /// <summary>The line for a plugin serving gRPC at <paramref name="endpoint"/> with the given application version.</summary>
    public static HandshakeLine ForGrpc(RpcEndpoint endpoint, int appProtocolVersion = PluginHandshake.AppProtocolVersion) =>
        new(PluginHandshake.CoreProtocolVersion, appProtocolVersion, endpoint, PluginHandshake.GrpcProtocol);

    /// <summary>
    /// Parses a line printed by a plugin. Fields after the fifth (go-plugin's optional server certificate) are ignored.
    /// </summary>
    /// <exception cref="FormatException">The line is not a handshake line; the message says which field is wrong.</exception>
    public static HandshakeLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Trim().Split('|');
        if (fields.Length < 5)
        {
            throw new FormatException(
                $"Not a plugin handshake line: expected CORE|APP|NETWORK|ADDRESS|grpc, got '{Shorten(line)}'. A plugin must print this line first on stdout and log only on stderr.");
        }

        var core = ParseVersion(fields[0], "core protocol version", line);
        var app = ParseVersion(fields[1], "app protocol version", line);
        var network = fields[2];
        if (network is not (RpcEndpoint.UnixNetwork or RpcEndpoint.TcpNetwork))
        {
            throw new FormatException($"Handshake line '{Shorten(line)}' names network '{network}': expected 'unix' or 'tcp'.");
        }

        if (fields[3].Length == 0)
        {
            throw new FormatException($"Handshake line '{Shorten(line)}' has an empty address.");
        }

        return new HandshakeLine(core, app, new RpcEndpoint(network, fields[3]), fields[4]);
    }

    /// <summary>Parses a line; false when it is not a handshake line.</summary>
    public static bool TryParse(string? line, out HandshakeLine? handshake)
    {
        handshake = null;
        if (line is null)
        {
            return false;
        }

        try
        {
            handshake = Parse(line);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The line as printed, without a line terminator.</summary>
    public override string ToString() =>
        string.Join('|',
            CoreProtocolVersion.ToString(CultureInfo.InvariantCulture),
            AppProtocolVersion.ToString(CultureInfo.InvariantCulture),
            Endpoint.Network,
            Endpoint.Address,
            Protocol);

    private static int ParseVersion(string value, string what, string line) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new FormatException($"Handshake line '{Shorten(line)}' has {what} '{value}': expected a positive integer.");

    private static string Shorten(string line) => line.Length <= 200 ? line : line[..200] + "…";
}
