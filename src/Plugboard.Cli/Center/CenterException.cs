using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.Center;

/// <summary>
/// The center answered a request with an error: its problem details (RFC 7807) turned into a message a user can act
/// on, each field error on its own line, and what to do about 401, 403 and 412.
/// </summary>
internal sealed class CenterException : Exception
{
    private CenterException(string message, HttpStatusCode status, string? detail, JsonNode? current, int exitCode, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Detail = detail;
        Current = current;
        ExitCode = exitCode;
    }

    public HttpStatusCode Status { get; }

    /// <summary>The problem's <c>detail</c>, as the center wrote it.</summary>
    public string? Detail { get; }

    /// <summary>The resource's current state, when the center sent it with a 409 or 412.</summary>
    public JsonNode? Current { get; }

    public int ExitCode { get; }

    /// <summary>The error for an answer with status <paramref name="status"/> and body <paramref name="body"/>.</summary>
    public static CenterException FromResponse(HttpStatusCode status, string? reasonPhrase, string body, string request, CenterConnection connection)
    {
        var problem = TryParse(body);
        var title = (string?)problem?["title"];
        var detail = (string?)problem?["detail"];
        var errors = problem?["errors"] as JsonArray;
        var code = $"{(int)status} {reasonPhrase ?? status.ToString()}";
        var message = new StringBuilder();
        var exitCode = ExitCodes.Failure;
        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                exitCode = ExitCodes.NotAuthorized;
                message.Append(connection.Token is null
                    ? $"The center at {connection.Url} needs an API token ({code}) and none was given. Pass --token-file FILE or --token TOKEN, or set ${CenterConnection.TokenVariable}. "
                        + "The admin token is printed once at the center's first start (or set there with PLUGBOARD_ADMIN_TOKEN); 'plugboard tokens create' makes more."
                    : $"The center at {connection.Url} did not accept the token from {connection.TokenOrigin} ({code}): it is unknown there or was revoked. Use a valid token ('plugboard tokens list' shows which exist).");
                break;
            case HttpStatusCode.Forbidden:
                exitCode = ExitCodes.NotAuthorized;
                message.Append($"The token from {connection.TokenOrigin ?? "the command line"} may not do this ({code}): {request} needs the admin role, and this token is a viewer's, which only reads. "
                    + "Use an admin token (an admin makes one with 'plugboard tokens create NAME --role admin').");
                break;
            case HttpStatusCode.PreconditionFailed:
                message.Append($"{request} was refused ({code}): someone changed it since this command read it. Run the command again; it reads the current state first.");
                if (detail is not null)
                {
                    message.Append(" (").Append(detail).Append(')');
                }

                break;
            case HttpStatusCode.NotFound when detail is not null:
                message.Append(detail);
                break;
            default:
                message.Append($"{request} was refused by the center ({code})");
                if (title is not null && !string.Equals(title, status.ToString(), StringComparison.OrdinalIgnoreCase) && title != "Conflict" && title != "Not found")
                {
                    message.Append(": ").Append(title);
                }

                if (errors is { Count: > 0 })
                {
                    message.Append(':');
                    foreach (var error in errors)
                    {
                        var path = (string?)error?["path"] ?? "$";
                        message.Append("\n  - ").Append(path).Append(": ").Append((string?)error?["message"]);
                        if (path.StartsWith("$.config.", StringComparison.Ordinal))
                        {
                            message.Append(" (--set ").Append(path["$.config.".Length..]).Append(')');
                        }
                    }
                }
                else if (detail is not null)
                {
                    message.Append(": ").Append(detail);
                }
                else if (problem is null && body.Length > 0)
                {
                    message.Append(": ").Append(body.Length > 300 ? body[..300] + "…" : body);
                }
                else
                {
                    message.Append('.');
                }

                if ((int)status >= 500)
                {
                    message.Append(" The center's log says more.");
                }

                break;
        }

        return new CenterException(message.ToString(), status, detail, problem?["current"], exitCode);
    }

    /// <summary>The error for a center that could not be reached at all.</summary>
    public static CenterException Unreachable(CenterConnection connection, Exception exception) => new(
        $"Cannot reach the plugin center at {connection.Url}: {exception.Message.TrimEnd('.')}. "
            + $"Start one with 'plugboard serve' (or scripts/center.sh), or point --url / ${CenterConnection.UrlVariable} at a running center.",
        0,
        null,
        null,
        ExitCodes.Unreachable,
        exception);

    private static JsonObject? TryParse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
