using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting;

/// <summary>
/// One loaded version of a plugin and the calls running on it. A generation is retired when a newer one
/// replaces it or the plugin is removed; once retired it takes no new calls, and it is drained when the
/// last running call has finished, after which it can be disposed and unloaded.
/// </summary>
internal sealed class PluginGeneration(LoadedPlugin loaded, string version, PluginMetadata metadata, VerifyResult verification, CancellationTokenSource stopping)
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _retired;

    public LoadedPlugin Loaded { get; } = loaded;

    public string Id => Loaded.Id;

    public string Version { get; } = version;

    public object Instance => Loaded.Implementation;

    public PluginMetadata Metadata { get; } = metadata;

    public VerifyResult Verification { get; } = verification;

    /// <summary>Signals the plugin's <see cref="PluginContext.Stopping"/> token.</summary>
    public CancellationTokenSource Stopping { get; } = stopping;

    /// <summary>The number of calls running on this generation.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a call in; false when the generation is retired (the caller must look again).</summary>
    public bool TryEnter()
    {
        // Increment first, then look at the flag: Retire sets the flag first, then looks at the count,
        // so one of the two always sees the other (both are full fences).
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _retired) == 0)
        {
            return true;
        }

        Exit();
        return false;
    }

    /// <summary>Counts a call out.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _retired) == 1)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Takes no new calls from now on; completes when the running ones have finished.</summary>
    public Task RetireAsync()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        return _drained.Task;
    }
}
