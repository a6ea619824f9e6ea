using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Tests.Shared;

/// <summary>Keeps every log line (message, exception and scope values) so a test can search them for secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

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
            owner._scopes.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? string.Empty), scopes);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                scopes.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            }

            owner.Lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {exception} [{string.Join(", ", scopes)}]");
        }
    }
}
