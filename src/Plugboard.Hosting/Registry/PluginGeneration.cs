using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Plugboard.Hosting.Pipeline;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting;

/// <summary>
/// One loaded version of a plugin and the calls running on it. A generation is retired when a newer one
/// replaces it or the plugin is removed; once retired it takes no new calls, and it is drained when the
/// last running call has finished, after which it can be disposed and unloaded.
/// </summary>
internal sealed class PluginGeneration(ActivatedPlugin activated)
{
    private const int MaxPollMilliseconds = 100;
    private static long _serials;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Read on every call; the runtime's property is virtual. Dropped once drained, so that nothing here
    // keeps the plugin's code alive after it is unloaded.
    private object? _instance = activated.Loaded.Implementation;
    private PaddedCount _inFlight;
    private int _retired;
    private int _polling;

    /// <summary>The version as activation handed it over; retirement deactivates it.</summary>
    public ActivatedPlugin Activated { get; } = activated;

    public LoadedPlugin Loaded => Activated.Loaded;

    public string Id => Loaded.Id;

    public string Version => Activated.Version;

    /// <summary>A number no other generation in the process has, never 0.</summary>
    public long Serial { get; } = Interlocked.Increment(ref _serials);

    public object Instance => _instance ?? Loaded.Implementation;

    public PluginMetadata Metadata => Activated.Metadata;

    public VerifyResult Verification => Activated.Verification;

    /// <summary>The number of calls running on this generation (synchronous ones are counted by <see cref="SynchronousCalls"/>).</summary>
    public int InFlight => Volatile.Read(ref _inFlight.Value) + SynchronousCalls.CountOn(Serial);

    /// <summary>Whether the generation takes no new calls.</summary>
    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    /// <summary>
    /// The instance, checked once per routing object and generation to implement <paramref name="contract"/>,
    /// so that compiled routing objects can call it without a cast per call.
    /// </summary>
    /// <param name="contract">The contract the caller will call the instance as.</param>
    /// <param name="verifiedSerial">The caller's record of the last generation it checked.</param>
    /// <exception cref="InvalidCastException">The instance does not implement the contract.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public object InstanceOf(Type contract, ref long verifiedSerial)
    {
        var instance = _instance;
        return instance is not null && Serial == Volatile.Read(ref verifiedSerial) ? instance : VerifiedInstanceOf(contract, ref verifiedSerial);
    }

    /// <summary>Counts a call in; false when the generation is retired (the caller must look again).</summary>
    public bool TryEnter()
    {
        // Increment first, then look at the flag: Retire sets the flag first, then looks at the count,
        // so one of the two always sees the other (both are full fences).
        Interlocked.Increment(ref _inFlight.Value);
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
        if (Interlocked.Decrement(ref _inFlight.Value) == 0 && Volatile.Read(ref _retired) == 1)
        {
            TryDrain();
        }
    }

    /// <summary>Takes no new calls from now on; completes when the running ones have finished.</summary>
    public Task RetireAsync()
    {
        Interlocked.Exchange(ref _retired, 1);

        // Makes the flag visible to, and the slots of, synchronous calls on every processor (see SynchronousCalls).
        Interlocked.MemoryBarrierProcessWide();
        TryDrain();
        return _drained.Task;
    }

    private object VerifiedInstanceOf(Type contract, ref long verifiedSerial)
    {
        var instance = _instance ?? Loaded.Implementation;
        if (!contract.IsInstanceOfType(instance))
        {
            throw new InvalidCastException(
                $"plugin '{Id}' {Version}: its instance, a {instance.GetType().FullName}, does not implement {contract.FullName}; the runtime that loaded it must return an object implementing each of its contracts.");
        }

        if (ReferenceEquals(instance, _instance))
        {
            Volatile.Write(ref verifiedSerial, Serial);
        }

        return instance;
    }

    private void TryDrain()
    {
        if (Volatile.Read(ref _inFlight.Value) != 0)
        {
            return; // the last counted call's Exit comes back here
        }

        if (SynchronousCalls.CountOn(Serial) == 0)
        {
            SetDrained();
        }
        else if (Interlocked.Exchange(ref _polling, 1) == 0)
        {
            // Synchronous calls do not signal their end; look again until they are gone.
            _ = PollUntilDrainedAsync();
        }
    }

    private async Task PollUntilDrainedAsync()
    {
        var delay = 1;
        while (!_drained.Task.IsCompleted)
        {
            // The real clock on purpose: this watches real threads leave the plugin's code, and the drain
            // timeout (on the host's TimeProvider) bounds the wait.
            await Task.Delay(delay).ConfigureAwait(false);
            delay = Math.Min(delay * 2, MaxPollMilliseconds);
            if (Volatile.Read(ref _inFlight.Value) == 0 && SynchronousCalls.CountOn(Serial) == 0)
            {
                SetDrained();
            }
        }
    }

    private void SetDrained()
    {
        Volatile.Write(ref _instance, null);
        _drained.TrySetResult();
    }

    /// <summary>
    /// The interlocked count (asynchronous calls, leases, enumerations), which many threads write, on a
    /// cache line of its own: the fields every synchronous call reads stay in the readers' caches.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedCount
    {
        [FieldOffset(64)]
        public int Value;
    }
}
