using System.Diagnostics;

namespace Plugboard.Hosting.Loading;

/// <summary>
/// Waits until unloaded load contexts have really been collected. Every context waiting at the same time
/// shares one collection loop: a hundred plugins unloaded at once cost the few full collections one costs,
/// not a hundred times as many (each of which gets slower as the heap grows).
/// </summary>
/// <remarks>
/// On the real clock on purpose: it waits for the garbage collector, which no host clock drives; a fake
/// clock in a test would stall every unload.
/// </remarks>
internal static class LoadContextCollector
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(200);
    private static readonly Lock Gate = new();
    private static readonly List<Waiter> Waiting = [];
    private static TaskCompletionSource _arrival = NewSignal();
    private static bool _running;

    /// <summary>
    /// Runs the garbage collector until <paramref name="context"/> is dead or <paramref name="timeout"/>
    /// has passed. Unloading is cooperative: a context stays alive while anything (an object, a thread,
    /// a static cache) still references one of its types.
    /// </summary>
    /// <returns>Whether the context was collected.</returns>
    public static Task<bool> WaitAsync(WeakReference context, TimeSpan timeout)
    {
        var waiter = new Waiter(context, Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        lock (Gate)
        {
            Waiting.Add(waiter);
            _arrival.TrySetResult();
            if (!_running)
            {
                _running = true;
                _ = Task.Run(CollectOrFailAsync);
            }
        }

        return waiter.Collected.Task;
    }

    private static async Task CollectOrFailAsync()
    {
        try
        {
            await CollectAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Never leave an unload waiting on a loop that is gone.
            lock (Gate)
            {
                foreach (var waiter in Waiting)
                {
                    waiter.Collected.TrySetException(ex);
                }

                Waiting.Clear();
                _running = false;
            }
        }
    }

    private static async Task CollectAsync()
    {
        var pause = FirstPause;
        var attempts = 0;
        while (true)
        {
            Task arrival;
            lock (Gate)
            {
                arrival = _arrival.Task;
                if (arrival.IsCompleted)
                {
                    // Someone new is waiting: collect at once and back off from the start again.
                    _arrival = NewSignal();
                    arrival = _arrival.Task;
                    pause = FirstPause;
                    attempts = 0;
                }
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            lock (Gate)
            {
                var now = Stopwatch.GetTimestamp();
                Waiting.RemoveAll(w => w.TryFinish(now));
                if (Waiting.Count == 0)
                {
                    _running = false;
                    return;
                }
            }

            if (++attempts == 3)
            {
                // Still alive after a few collections (finalizing a context takes two or so): framework
                // caches may hold its types.
                ReflectionCaches.Clear();
                continue;
            }

            await Task.WhenAny(Task.Delay(pause), arrival).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Waiter(WeakReference context, long deadline)
    {
        public TaskCompletionSource<bool> Collected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes the wait when the context is dead (true) or its time is up (false).</summary>
        public bool TryFinish(long now)
        {
            if (!context.IsAlive)
            {
                return Collected.TrySetResult(true);
            }

            return now >= deadline && Collected.TrySetResult(false);
        }
    }
}
