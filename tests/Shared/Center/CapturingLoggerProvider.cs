using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Tests.Shared;

/// <summary>Keeps every log line (message, exception and scope values) so a test can search them for secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Every log line with its structured fields (the scopes' and the message's), for checks on what a line carries.</summary>
    public ConcurrentQueue<LogRecord> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    public string AllText => string.Join("\n", Lines);

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            owner._scopes.ForEachScope((scope, list) =>
            {
                list.Add(scope?.ToString() ?? string.Empty);
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        fields[key] = value;
                        list.Add($"{key}={value}");
                    }
                }
            }, scopes);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                scopes.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
                foreach (var (key, value) in values)
                {
                    fields[key] = value;
                }
            }

            var message = formatter(state, exception);
            owner.Records.Enqueue(new LogRecord(category, logLevel, message, fields));
            owner.Lines.Enqueue($"{category} {logLevel} {message} {exception} [{string.Join(", ", scopes)}]");
        }
    }
}

/// <summary>One captured log line: its category, level, message and structured fields.</summary>
public sealed record LogRecord(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Fields);
