using Microsoft.Extensions.Logging;

namespace Plugboard.Cli.Console;

/// <summary>
/// Logs of the libraries (an insecure source, a retried fetch) as one line each on the command's stderr:
/// warnings by default, everything with <c>--verbose</c>. Errors are left out by default because the
/// commands report failures themselves from the results (a failed source's error), and once is enough.
/// </summary>
internal sealed class StderrLoggerProvider(TextWriter error, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _gate = new();

    private LogLevel Minimum { get; } = minimum;

    public static ILoggerFactory CreateFactory(CliConsole console, bool verbose)
    {
        var minimum = verbose ? LogLevel.Debug : LogLevel.Warning;
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(minimum).AddProvider(new StderrLoggerProvider(console.Error, minimum)));
    }

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception, bool verbose)
    {
        var label = level switch
        {
            LogLevel.Warning => "warning",
            LogLevel.Error or LogLevel.Critical => "error",
            _ => level.ToString().ToLowerInvariant(),
        };
        lock (_gate)
        {
            error.WriteLine(verbose ? $"{label}: [{category}] {message}" : $"{label}: {message}");
            if (exception is not null)
            {
                error.WriteLine(verbose ? exception.ToString() : $"  {exception.Message}");
            }
        }
    }

    private sealed class StderrLogger(StderrLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => provider.Minimum == LogLevel.Warning
            ? logLevel == LogLevel.Warning
            : logLevel >= provider.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception, provider.Minimum < LogLevel.Information);
            }
        }
    }
}
