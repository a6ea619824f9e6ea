using Plugboard.Rpc.Handshake;

namespace Plugboard.Hosting.Rpc.Handshake;

/// <summary>
/// A plugin's handshake line as the host reads it: the five fields of <see cref="HandshakeLine"/> and, when the
/// host asked for automatic mutual TLS, go-plugin's optional sixth field, the plugin's server certificate as
/// base64 DER.
/// </summary>
/// <param name="Line">The five standard fields.</param>
/// <param name="ServerCertificate">The DER bytes of the plugin's certificate, or null.</param>
public sealed record PluginAnswer(HandshakeLine Line, byte[]? ServerCertificate)
{
    /// <summary>
    /// The environment variable with the host's PEM certificate when it asks for automatic mutual TLS (as in go-plugin);
    /// a plugin seeing it serves TLS, accepts only that client certificate, and answers its own in a sixth field.
    /// </summary>
    public const string ClientCertVariable = "PLUGIN_CLIENT_CERT";

    /// <summary>Reads a line; false when it is not a handshake line (noise), with why.</summary>
    public static bool TryParse(string line, out PluginAnswer? answer, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(line);
        answer = null;
        HandshakeLine parsed;
        try
        {
            parsed = HandshakeLine.Parse(line);
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
            return false;
        }

        var fields = line.Trim().Split('|');
        byte[]? certificate = null;
        if (fields.Length >= 6 && fields[5].Length > 0)
        {
            try
            {
                certificate = Convert.FromBase64String(Pad(fields[5]));
            }
            catch (FormatException)
            {
                problem = "the sixth field (the server certificate) is not base64";
                return false;
            }
        }

        answer = new PluginAnswer(parsed, certificate);
        problem = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        ServerCertificate is null ? Line.ToString() : Line + "|" + Convert.ToBase64String(ServerCertificate).TrimEnd('=');

    // go-plugin writes the certificate without base64 padding (RawStdEncoding); accept both.
    private static string Pad(string base64) => (base64.Length % 4) switch
    {
        2 => base64 + "==",
        3 => base64 + "=",
        _ => base64,
    };
}
