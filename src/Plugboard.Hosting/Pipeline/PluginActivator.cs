using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// Realizes one version of one plugin, whatever its contract: loads it through its runtime, runs
/// <see cref="IPlugin.InitAsync"/> and <see cref="IPlugin.VerifyAsync"/> within their timeouts, and hands back the
/// <see cref="ActivatedPlugin"/>, ready to serve; on any failure the version is released and a
/// <see cref="PluginActivationException"/> says why. <see cref="PluginHost"/> activates every plugin this way
/// (after admission, before swapping it in); a caller that drives plugins through <see cref="IPlugin"/> alone,
/// such as a plugin center, can use it directly and retire the result with <see cref="ActivatedPlugin.DeactivateAsync"/>.
/// </summary>
public sealed class PluginActivator
{
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates an activator.</summary>
    /// <param name="initTimeout">How long Init may take.</param>
    /// <param name="verifyTimeout">How long Verify may take.</param>
    /// <param name="timeProvider">The clock of the timeouts; the system's when null.</param>
    /// <param name="logger">Where releasing a failed version is logged; nowhere when null.</param>
    public PluginActivator(TimeSpan initTimeout, TimeSpan verifyTimeout, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        InitTimeout = initTimeout;
        VerifyTimeout = verifyTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How long Init may take.</summary>
    public TimeSpan InitTimeout { get; }

    /// <summary>How long Verify may take.</summary>
    public TimeSpan VerifyTimeout { get; }

    /// <summary>
    /// Loads one version through <paramref name="runtime"/>, then runs Init and Verify (a plugin that does not
    /// implement <see cref="IPlugin"/> is ready as loaded).
    /// </summary>
    /// <param name="runtime">The runtime of the plugin's kind.</param>
    /// <param name="request">What to load; its <see cref="PluginLoadRequest.Stopping"/> is replaced by the version's own token, signalled when it is deactivated.</param>
    /// <param name="progress">Told of each step reached (<see cref="PluginPhase.Loaded"/>, <see cref="PluginPhase.Initialized"/>, <see cref="PluginPhase.Verified"/>), in order, on the activating thread.</param>
    /// <param name="cancellationToken">Cancels the activation; the version is released.</param>
    /// <exception cref="PluginActivationException">The version could not be loaded, failed Init or Verify, or is not ready.</exception>
    public async Task<ActivatedPlugin> ActivateAsync(IPluginRuntime runtime, PluginLoadRequest request, Action<PluginActivationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Manifest.Id;
        var version = request.Manifest.Version.ToNormalizedString();
        var stopping = new CancellationTokenSource();
        LoadedPlugin? loaded = null;
        try
        {
            try
            {
                loaded = await runtime.LoadAsync(WithStopping(request, stopping.Token), cancellationToken).ConfigureAwait(false);
            }
            catch (PluginLoadException ex)
            {
                throw new PluginActivationException(ex.Message, ex.Errors, null, PluginPhase.Failed, ex);
            }

            progress?.Invoke(new PluginActivationProgress(PluginPhase.Loaded, PluginMetadata.Empty, null));
            var metadata = PluginMetadata.Empty;
            var verification = VerifyResult.Ready();
            if (loaded.Implementation is IPlugin plugin)
            {
                var context = loaded.Context;
                metadata = await RunStepAsync(id, version, "Init", InitTimeout, ct => plugin.InitAsync(context, ct), cancellationToken).ConfigureAwait(false);
                progress?.Invoke(new PluginActivationProgress(PluginPhase.Initialized, metadata, null));
                verification = await RunStepAsync(id, version, "Verify", VerifyTimeout, plugin.VerifyAsync, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                progress?.Invoke(new PluginActivationProgress(PluginPhase.Initialized, metadata, null));
            }

            progress?.Invoke(new PluginActivationProgress(PluginPhase.Verified, metadata, verification));
            if (!verification.IsReady)
            {
                throw new PluginActivationException($"{id} {version} is not ready: {verification.Reason}", [], verification, PluginPhase.Verified);
            }

            return new ActivatedPlugin(loaded, version, metadata, verification, stopping);
        }
        catch (Exception ex)
        {
            await ReleaseAsync(loaded, stopping).ConfigureAwait(false);
            if (ex is PluginActivationException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw;
            }

            throw new PluginActivationException($"{id} {version}: {ex.GetType().Name}: {ex.Message}", [], null, PluginPhase.Failed, ex);
        }
    }

    private static PluginLoadRequest WithStopping(PluginLoadRequest request, CancellationToken stopping) => new()
    {
        Manifest = request.Manifest,
        Directory = request.Directory,
        Contracts = request.Contracts,
        Configuration = request.Configuration,
        Logger = request.Logger,
        Stopping = stopping,
        HostServices = request.HostServices,
    };

    private async Task<T> RunStepAsync<T>(string id, string version, string step, TimeSpan timeout, Func<CancellationToken, ValueTask<T>> run, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            // WaitAsync as well: a plugin that ignores its token must not hold the host.
            return await run(linked.Token).AsTask().WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PluginActivationException(
                $"{id} {version}: {step} did not finish within {timeout.TotalSeconds:0.###} s; check what it waits for, or raise PlugboardOptions.{step}Timeout.",
                [], null, PluginPhase.Failed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new PluginActivationException($"{id} {version}: {step} failed: {ex.GetType().Name}: {ex.Message}", [], null, PluginPhase.Failed, ex);
        }
    }

    private async Task ReleaseAsync(LoadedPlugin? loaded, CancellationTokenSource stopping)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        stopping.Dispose();
        if (loaded is not null)
        {
            try
            {
                await loaded.UnloadAsync(TimeSpan.Zero).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.DisposingFailedVersionThrew(ex, loaded.Id);
            }
        }
    }
}

/// <summary>A step an activation reached.</summary>
/// <param name="Phase"><see cref="PluginPhase.Loaded"/>, <see cref="PluginPhase.Initialized"/> or <see cref="PluginPhase.Verified"/>.</param>
/// <param name="Metadata">What Init returned (empty before Init).</param>
/// <param name="Verification">What Verify said (null before Verify).</param>
public sealed record PluginActivationProgress(PluginPhase Phase, PluginMetadata Metadata, VerifyResult? Verification);

/// <summary>
/// One version of a plugin that passed Init and Verify: its loaded instance and what they said. Deactivate it
/// once nothing calls it any more.
/// </summary>
public sealed class ActivatedPlugin
{
    internal ActivatedPlugin(LoadedPlugin loaded, string version, PluginMetadata metadata, VerifyResult verification, CancellationTokenSource stopping)
    {
        Loaded = loaded;
        Version = version;
        Metadata = metadata;
        Verification = verification;
        Stopping = stopping;
    }

    /// <summary>The loaded version (its instance, context and runtime handle).</summary>
    public LoadedPlugin Loaded { get; }

    /// <summary>The plugin's version.</summary>
    public string Version { get; }

    /// <summary>What Init returned.</summary>
    public PluginMetadata Metadata { get; }

    /// <summary>What Verify said (ready).</summary>
    public VerifyResult Verification { get; }

    /// <summary>Signals the plugin's <see cref="PluginContext.Stopping"/> token.</summary>
    internal CancellationTokenSource Stopping { get; }

    /// <summary>
    /// Signals the plugin's stopping token, disposes its instance and releases what its runtime holds (a load
    /// context, a process). Call it once no call runs on it; the host's retirement waits for that first.
    /// </summary>
    /// <param name="unloadTimeout">How long to wait for the release to be complete.</param>
    /// <returns>Whether the release is complete (for an assembly plugin: its load context was collected).</returns>
    public async Task<bool> DeactivateAsync(TimeSpan unloadTimeout)
    {
        await Stopping.CancelAsync().ConfigureAwait(false);
        Stopping.Dispose();
        return await Loaded.UnloadAsync(unloadTimeout).ConfigureAwait(false);
    }
}

/// <summary>A plugin version could not be activated; the message names it and says what to do.</summary>
public sealed class PluginActivationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="errors">The individual problems, if any.</param>
    /// <param name="verification">What Verify said, when it said not ready.</param>
    /// <param name="phase">The phase the version ends in: <see cref="PluginPhase.Verified"/> (not ready) or <see cref="PluginPhase.Failed"/>.</param>
    /// <param name="innerException">The cause, if any.</param>
    public PluginActivationException(string message, IReadOnlyList<PluginError> errors, VerifyResult? verification, PluginPhase phase, Exception? innerException = null)
        : base(message, innerException)
    {
        Errors = errors;
        Verification = verification;
        Phase = phase;
    }

    /// <summary>The individual problems behind the message.</summary>
    public IReadOnlyList<PluginError> Errors { get; }

    /// <summary>What Verify said, when the version is not ready.</summary>
    public VerifyResult? Verification { get; }

    /// <summary>The phase the version ends in.</summary>
    public PluginPhase Phase { get; }
}
