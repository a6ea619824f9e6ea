using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Sources.Tests.Fixtures;

/// <summary>Collects log messages so tests can check what was warned about (and that secrets never appear).</summary>
public sealed class TestLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Messages { get; } = new();

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Messages.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception.Message)));
    }
}
