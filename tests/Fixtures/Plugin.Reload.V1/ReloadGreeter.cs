using System.Runtime.CompilerServices;
using Fixture.Contracts;
using Plugboard;

namespace Fixture.Plugin.Reload;

/// <summary>
/// Answers with its version. Every call awaits, so calls are in flight across a hot reload; a call on
/// a disposed instance throws, so a test sees any call the host let through after disposal.
/// </summary>
[Plugin("custom-reload")]
public sealed class ReloadGreeter : IGreeter, IPlugin
{
#if RELOAD_V2
    private const string Version = "v2";
#else
    private const string Version = "v1";
#endif

    private volatile bool _disposed;
    private int _calls;

    public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken) =>
        new(PluginMetadata.Empty.With("answers", Version));

    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => new(VerifyResult.Ready());

    public string Greet(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _calls);
        return $"{Version} {name}";
    }

    public async Task<string> GreetAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await Task.Delay(1, cancellationToken);
        return Greet(name);
    }

    public ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default) => new(Volatile.Read(ref _calls));

    public async IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in names)
        {
            await Task.Delay(1, cancellationToken);
            yield return Greet(name);
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return default;
    }
}
