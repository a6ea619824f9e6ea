namespace Plugboard;

/// <summary>
/// The lifecycle every plugin follows, in-process or not: <see cref="InitAsync"/> receives the validated
/// configuration and returns metadata, <see cref="VerifyAsync"/> says whether the plugin can really work,
/// and disposal releases what it holds. Implementing it is optional for in-process plugins: a plugin
/// that does not is treated as initialized with empty metadata and always ready.
/// </summary>
public interface IPlugin : IAsyncDisposable
{
    /// <summary>Initializes the plugin with its validated configuration.</summary>
    /// <param name="context">Id, version, logger, configuration and stop signal of this plugin.</param>
    /// <param name="cancellationToken">Cancels the initialization.</param>
    /// <returns>What the host needs to know about this instance (capabilities, limits).</returns>
    ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Checks that the plugin can really work (credentials, reachability) and says why not otherwise.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken);
}
