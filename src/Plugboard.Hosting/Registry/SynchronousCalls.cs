using System.Runtime.CompilerServices;

namespace Plugboard.Hosting;

/// <summary>
/// Counts synchronous calls in flight without an interlocked operation per call. A synchronous call
/// starts and ends on one thread, so each thread records the versions its running calls are on in its
/// own small stack of slots (nested calls through other routing objects take the next slot), written
/// with plain release stores only that thread makes. A version being retired sets its flag, then runs
/// <see cref="Interlocked.MemoryBarrierProcessWide"/> and looks through every thread's slots: after that
/// barrier a call either sees the flag (and goes to the newer version) or is seen in its slot — the
/// asymmetric form of the check <see cref="PluginGeneration.TryEnter"/> makes with two full fences.
/// Slots hold a version's serial number, not the version, so they keep nothing alive and cost no GC
/// write barrier.
/// </summary>
internal static class SynchronousCalls
{
    /// <summary>How deeply calls may nest on one thread before the next one is counted with an interlocked counter.</summary>
    public const int Depth = 8;

    private static readonly Lock Gate = new();
    private static readonly List<WeakReference<Slots>> AllSlots = [];

    [ThreadStatic]
    private static Slots? _mine;

    // When to drop the slots of ended threads on registration, for processes that retire no version
    // for long while threads come and go.
    private static int _pruneAt = 64;

    /// <summary>This thread's slots; null until <see cref="Register"/> has run on it.</summary>
    public static Slots? Mine
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _mine;
    }

    /// <summary>The number of synchronous calls running on the version with this serial number, on all threads.</summary>
    public static int CountOn(long serial)
    {
        var count = 0;
        lock (Gate)
        {
            AllSlots.RemoveAll(reference =>
            {
                if (!reference.TryGetTarget(out var slots))
                {
                    return true; // its thread has ended
                }

                for (var i = 0; i < Depth; i++)
                {
                    if (Volatile.Read(ref slots.Serials[i]) == serial)
                    {
                        count++;
                    }
                }

                return false;
            });
        }

        return count;
    }

    /// <summary>Gives this thread its slots, for its next synchronous calls.</summary>
    public static void Register()
    {
        if (_mine is not null)
        {
            return;
        }

        var slots = new Slots();
        lock (Gate)
        {
            if (AllSlots.Count >= _pruneAt)
            {
                AllSlots.RemoveAll(reference => !reference.TryGetTarget(out _));
                _pruneAt = Math.Max(64, AllSlots.Count * 2);
            }

            AllSlots.Add(new WeakReference<Slots>(slots));
        }

        _mine = slots;
    }

    /// <summary>One thread's slots: only the thread writes them, a retiring version reads them.</summary>
    internal sealed class Slots
    {
        /// <summary>The serial numbers of the versions the thread's running calls are on; 0 when free.</summary>
        public SerialBuffer Serials;

        /// <summary>How many slots the thread's running calls take (read and written by the thread only).</summary>
        public int Used;

        /// <summary>Counts a call in on <paramref name="generation"/> in the next free slot; false when it has no free slot or the generation is retired.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryEnter(PluginGeneration generation, out int depth)
        {
            depth = Used;
            if (depth >= Depth)
            {
                return false;
            }

            // Publish first, then look at the flag; a retiring version sets the flag, then flushes every
            // processor's writes, then looks at the slots (see the class remarks).
            Volatile.Write(ref Serials[depth], generation.Serial);
            if (generation.IsRetired)
            {
                Volatile.Write(ref Serials[depth], 0);
                return false;
            }

            Used = depth + 1;
            return true;
        }
    }

    [InlineArray(Depth)]
    internal struct SerialBuffer
    {
        private long _first;
    }
}

/// <summary>One synchronous call counted in flight; <see cref="Exit"/> counts it out, on the same thread.</summary>
internal readonly struct SynchronousCall
{
    private readonly SynchronousCalls.Slots? _slots;
    private readonly int _depth;

    internal SynchronousCall(PluginGeneration generation, SynchronousCalls.Slots? slots, int depth)
    {
        Generation = generation;
        _slots = slots;
        _depth = depth;
    }

    /// <summary>The version the call runs on.</summary>
    public PluginGeneration Generation { get; }

    /// <summary>The plugin's instance in that version (see <see cref="PluginGeneration.InstanceOf"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public object InstanceOf(Type contract, ref long verifiedSerial) => Generation.InstanceOf(contract, ref verifiedSerial);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit()
    {
        if (_slots is null)
        {
            ExitCounted();
            return;
        }

        _slots.Used = _depth;

        // A release store: what the call did happens before a retiring version sees the slot free.
        Volatile.Write(ref _slots.Serials[_depth], 0);
    }

    // Kept out of line so that Exit stays small enough to be inlined where callers exit in a finally.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ExitCounted() => Generation.Exit();
}
