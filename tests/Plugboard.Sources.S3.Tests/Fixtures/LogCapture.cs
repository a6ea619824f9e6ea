using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Sources.S3.Tests.Fixtures;

/// <summary>Keeps every log message written through the factory it makes, with exceptions.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Entries => [.. _entries];

    public string AllText => string.Join('\n', _entries.Select(e => e.Text));

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => capture._entries.Enqueue((logLevel, $"{category}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception)}"));
    }
}
