using Plugboard;

namespace CenterProcessPlugin;

/// <summary>
/// Init answers its process id and greeting (never the secret it was given, only whether it got one); Init fails when
/// the configuration says <c>failInit</c>, Verify says not ready when it says <c>ready: false</c>.
/// </summary>
public sealed class GreeterPlugin : IPlugin
{
    private bool _ready = true;

    public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken)
    {
        var configuration = context.Configuration;
        if (configuration["failInit"]?.GetValue<bool>() == true)
        {
            throw new InvalidOperationException("the configuration asks Init to fail (failInit: true)");
        }

        _ready = configuration["ready"]?.GetValue<bool>() ?? true;
        return new(PluginMetadata.Empty
            .With("pid", Environment.ProcessId)
            .With("greeting", configuration["greeting"]?.GetValue<string>() ?? "Hello")
            .With("hasToken", configuration["token"] is not null));
    }

    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(_ready ? VerifyResult.Ready() : VerifyResult.NotReady("the configuration says ready: false"));

    public ValueTask DisposeAsync() => default;
}
