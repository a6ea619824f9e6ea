using Microsoft.Extensions.Logging;

namespace Plugboard;

/// <summary>
/// A convenient base for plugins with a typed configuration: the configuration is bound to
/// <typeparamref name="TConfig"/> before <see cref="OnInitAsync"/> runs. Override what you need.
/// </summary>
/// <typeparam name="TConfig">The plugin's config class; its properties mirror the manifest's config schema.</typeparam>
public abstract class PluginBase<TConfig> : IPlugin where TConfig : class, new()
{
    private PluginContext? _context;

    /// <summary>The bound configuration; a default instance before Init.</summary>
    protected TConfig Config { get; private set; } = new();

    /// <summary>The context given at Init.</summary>
    /// <exception cref="InvalidOperationException">Before Init.</exception>
    protected PluginContext Context => _context ?? throw new InvalidOperationException($"{GetType().Name} has not been initialized yet.");

    /// <summary>The plugin's logger.</summary>
    protected ILogger Logger => Context.Logger;

    /// <inheritdoc />
    public async ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        Config = context.GetConfiguration<TConfig>();
        return await OnInitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs after the configuration is bound; returns the plugin's metadata.</summary>
    /// <param name="cancellationToken">Cancels the initialization.</param>
    protected virtual ValueTask<PluginMetadata> OnInitAsync(CancellationToken cancellationToken) => new(PluginMetadata.Empty);

    /// <inheritdoc />
    public virtual ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => new(VerifyResult.Ready());

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return default;
    }
}
