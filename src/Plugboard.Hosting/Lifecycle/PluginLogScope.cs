using System.Collections;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting;

/// <summary>The logging scope of one plugin version: structured <c>PluginId</c> and <c>PluginVersion</c>.</summary>
internal sealed class PluginLogScope(string pluginId, string? version) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("PluginId", pluginId),
        1 => new("PluginVersion", version),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => version is null ? $"plugin {pluginId}" : $"plugin {pluginId} {version}";
}

/// <summary>The logger handed to a plugin: every entry carries the plugin's id and version as a scope.</summary>
internal sealed class PluginScopedLogger(ILogger inner, string pluginId, string version) : ILogger
{
    private readonly PluginLogScope _scope = new(pluginId, version);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        using (inner.BeginScope(_scope))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
