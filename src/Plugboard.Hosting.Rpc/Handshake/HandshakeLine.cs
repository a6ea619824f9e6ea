using System.Globalization;
using Plugboard.Rpc;

namespace Plugboard.Hosting.Rpc.Handshake;

/// <summary>
/// The one line a process plugin prints on stdout once it listens:
/// <c>CORE|APP|NETWORK|ADDRESS|grpc</c>, and with automatic mutual TLS a sixth field, the server
/// certificate as base64 DER, e.g. <c>1|1|unix|/tmp/pb-1/plugin.sock|grpc</c>.
/// </summary>
/// <param name="CoreVersion">The handshake version; must be <see cref="HandshakeProtocol.CoreProtocolVersion"/>.</param>
/// <param name="AppVersion">The app protocol version the plugin chose from those offered.</param>
/// <param name="Endpoint">Where the plugin listens.</param>
/// <param name="Protocol">The wire protocol; Plugboard speaks only <c>grpc</c>.</param>
/// <param name="ServerCertificate">The plugin's server certificate (DER) for mutual TLS, or null.</param>
public sealed record HandshakeLine(int CoreVersion, int AppVersion, RpcEndpoint Endpoint, string Protocol, byte[]? ServerCertificate)
{
    /// <summary>
    /// Reads a line; returns false (with why) when it is not shaped as a handshake line at all, so callers can
    /// treat it as noise. A well-shaped line with unsupported values parses and is judged by the caller.
    /// </summary>
    public static bool TryParse(string line, out HandshakeLine? handshake, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(line);
        handshake = null;
        var parts = line.Trim().Split('|');
        if (parts.Length is < 5 or > 6)
        {
            problem = $"expected 5 or 6 '|'-separated fields, found {parts.Length}";
            return false;
        }

        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var core)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var app))
        {
            problem = "the first two fields (core and app protocol versions) must be whole numbers";
            return false;
        }

        var network = parts[2];
        var address = parts[3];
        if (network is not (RpcEndpoint.UnixNetwork or RpcEndpoint.TcpNetwork) || address.Length == 0)
        {
            problem = $"the network must be 'unix' or 'tcp' followed by an address, found '{network}|{address}'";
            return false;
        }

        byte[]? certificate = null;
        if (parts.Length == 6 && parts[5].Length > 0)
        {
            try
            {
                certificate = Convert.FromBase64String(Pad(parts[5]));
            }
            catch (FormatException)
            {
                problem = "the sixth field (server certificate) is not base64";
                return false;
            }
        }

        handshake = new HandshakeLine(core, app, new RpcEndpoint(network, address), parts[4], certificate);
        problem = null;
        return true;
    }

    /// <summary>Formats the line as a plugin prints it (certificate as unpadded base64, as go-plugin does).</summary>
    public override string ToString()
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{CoreVersion}|{AppVersion}|{Endpoint.Network}|{Endpoint.Address}|{Protocol}");
        return ServerCertificate is null ? line : line + "|" + Convert.ToBase64String(ServerCertificate).TrimEnd('=');
    }

    // go-plugin writes the certificate with RawStdEncoding (no padding); accept both.
    private static string Pad(string base64) => (base64.Length % 4) switch
    {
        2 => base64 + "==",
        3 => base64 + "=",
        _ => base64,
    };
}
