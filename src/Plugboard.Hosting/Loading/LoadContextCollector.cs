using System.Diagnostics;

namespace Plugboard.Hosting.Loading;

/// <summary>Waits until an unloaded load context has really been collected.</summary>
internal static class LoadContextCollector
{
    /// <summary>
    /// Runs the garbage collector until <paramref name="context"/> is dead or <paramref name="timeout"/>
    /// has passed. Unloading is cooperative: a context stays alive while anything (an object, a thread,
    /// a static cache) still references one of its types.
    /// </summary>
    /// <returns>Whether the context was collected.</returns>
    /// <remarks>
    /// On the real clock on purpose: it waits for the garbage collector, which no host clock drives; a fake
    /// clock in a test would stall every unload.
    /// </remarks>
    public static async Task<bool> WaitAsync(WeakReference context, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(5);
        var attempts = 0;
        while (true)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            if (!context.IsAlive)
            {
                return true;
            }

            if (clock.Elapsed >= timeout)
            {
                return false;
            }

            if (++attempts == 3)
            {
                // Still alive after a few collections (finalizing a context takes two or so): framework
                // caches may hold its types.
                ReflectionCaches.Clear();
                continue;
            }

            await Task.Delay(pause).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
        }
    }
}
