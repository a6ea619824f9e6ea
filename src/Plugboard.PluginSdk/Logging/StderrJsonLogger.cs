using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Plugboard.PluginSdk.Logging;

/// <summary>
/// Writes each log entry as one JSON line on stderr in go-plugin's hclog format
/// (<c>{"@level":"info","@message":"…","@module":"…","@timestamp":"…"}</c>), which the host logs at that level.
/// stdout stays free for the handshake line.
/// </summary>
/// <remarks>
/// Written with <see cref="Utf8JsonWriter"/>, not the serializer: no reflection (a Native AOT plugin logs the same) and no
/// serializer to start before the first line.
/// </remarks>
internal sealed class StderrJsonLoggerProvider : ILoggerProvider
{
    private static readonly Lock Gate = new();

    public ILogger CreateLogger(string categoryName) => new StderrJsonLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class StderrJsonLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message += " " + exception;
            }

            var line = new System.Buffers.ArrayBufferWriter<byte>(256);
            using (var json = new Utf8JsonWriter(line))
            {
                json.WriteStartObject();
                json.WriteString("@level", Level(logLevel));
                json.WriteString("@message", message);
                json.WriteString("@module", category);
                json.WriteString("@timestamp", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }

            var text = System.Text.Encoding.UTF8.GetString(line.WrittenSpan);
            lock (Gate)
            {
                Console.Error.WriteLine(text);
            }
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Warning => "warn",
            LogLevel.Error or LogLevel.Critical => "error",
            _ => "info",
        };
    }
}
