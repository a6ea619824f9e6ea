using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>
/// Reads one stderr line of a plugin: a JSON object with <c>@level</c> and <c>@message</c> (go-plugin's hclog format)
/// is logged at its level; any other line as-is at Information.
/// </summary>
internal static class StderrLine
{
    public static (LogLevel Level, string Message) Read(string line)
    {
        if (line.Length < 2 || line[0] != '{' || !line.Contains("\"@message\"", StringComparison.Ordinal))
        {
            return (LogLevel.Information, line);
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("@message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                var level = root.TryGetProperty("@level", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
                return (ToLevel(level), message.GetString() ?? string.Empty);
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: log the line as it is.
        }

        return (LogLevel.Information, line);
    }

    private static LogLevel ToLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
