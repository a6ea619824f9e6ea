namespace Plugboard.Hosting;

/// <summary>Disposes a plugin instance, asynchronously when it can.</summary>
internal static class PluginDisposal
{
    public static ValueTask DisposeAsync(object? instance)
    {
        switch (instance)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return default;
            default:
                return default;
        }
    }
}
