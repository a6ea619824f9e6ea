using Microsoft.Extensions.Time.Testing;

namespace Plugboard.Hosting.Tests;

/// <summary>Runs alone: it caps the process's thread pool.</summary>
[CollectionDefinition(nameof(ThreadPoolStarvation), DisableParallelization = true)]
public sealed class ThreadPoolStarvation;

/// <summary>
/// A host whose callers hold every thread-pool thread in synchronous plugin calls still picks up a changed
/// plugin folder: the debounce and the reload do not wait for a pool thread.
/// </summary>
[Collection(nameof(ThreadPoolStarvation))]
public sealed class ThreadPoolStarvationTests
{
    [Fact]
    public async Task A_changed_folder_is_reloaded_while_synchronous_callers_pin_every_pool_thread()
    {
        var time = new FakeTimeProvider();
        var debounce = TimeSpan.FromSeconds(1);
        await using var test = new TestHost(o =>
        {
            o.WatchForChanges = true;
            o.ReloadDebounce = debounce;
            o.RescanInterval = TimeSpan.Zero;
        }, time);
        var folder = test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        await test.StartAsync();
        var greeter = test.Greeters.Get("custom-reload");
        using var replaced = new ManualResetEventSlim();
        test.Host.Changed += (_, e) =>
        {
            if (e.Kind == PluginChangeKind.Replaced)
            {
                replaced.Set();
            }
        };

        // On a thread of its own, which only blocks, never awaits, until the pool is restored.
        await Task.Factory.StartNew(() => PinThePoolAndChange(test, time, debounce, folder, greeter, replaced), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Assert.Equal("v2 x", greeter.Greet("x"));
        Assert.Equal("2.0.0", test.Host.GetStatus("custom-reload")!.Version);
    }

    private static void PinThePoolAndChange(TestHost test, FakeTimeProvider time, TimeSpan debounce, string folder, Fixture.Contracts.IGreeter greeter, ManualResetEventSlim replaced)
    {
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
        // Threads the test runner already holds, plus as many callers as there are processors (at least).
        var pinned = Math.Max(Environment.ProcessorCount, minWorkers) + ThreadPool.ThreadCount;
        Assert.True(ThreadPool.SetMaxThreads(pinned, maxIo), "could not cap the thread pool");
        var stop = false;
        var answers = new int[pinned + 1];
        var running = 0;
        string? last = null;
        try
        {
            // One caller more than the pool may have threads: once one waits in the queue, every pool thread is busy.
            for (var i = 0; i <= pinned; i++)
            {
                var caller = i;
                ThreadPool.UnsafeQueueUserWorkItem(
                    _ =>
                    {
                        Interlocked.Increment(ref running);
                        while (!Volatile.Read(ref stop))
                        {
                            var answer = greeter.Greet("x");
                            Volatile.Write(ref last, answer);
                            if (answer.StartsWith("v2", StringComparison.Ordinal))
                            {
                                Interlocked.Increment(ref answers[caller]);
                            }
                        }

                        Interlocked.Decrement(ref running);
                    },
                    null);
            }

            var saturatedBy = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (!(Volatile.Read(ref running) >= Environment.ProcessorCount && ThreadPool.PendingWorkItemCount > 0) && DateTime.UtcNow < saturatedBy)
            {
                Thread.Sleep(1);
            }

            Assert.True(Volatile.Read(ref running) >= Environment.ProcessorCount && ThreadPool.PendingWorkItemCount > 0, "the callers did not take every pool thread");
            PluginFolders.CopyFixture("Plugin.Reload.V2", folder);

            // Time passes on the host's clock; the pool never has a free thread.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (!replaced.Wait(TimeSpan.FromMilliseconds(20)) && DateTime.UtcNow < deadline)
            {
                time.Advance(debounce / 4);
            }

            Assert.True(replaced.IsSet, "the change was not picked up while every pool thread was busy: " + test.Logs.AllText);
            var seenV2 = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (answers.Sum() == 0 && DateTime.UtcNow < seenV2)
            {
                Thread.Sleep(1);
            }

            Assert.True(answers.Sum() > 0, $"callers running: {Volatile.Read(ref running)}, last answer: {Volatile.Read(ref last)}, status {test.Host.GetStatus("custom-reload")!.Version}");
        }
        finally
        {
            Volatile.Write(ref stop, true);
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);

            // A caller still in the loop would call the plugin after the test has disposed the host, and its
            // PluginNotAvailableException, unhandled on a pool thread, would take the test process down.
            var stoppedBy = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (Volatile.Read(ref running) > 0 && DateTime.UtcNow < stoppedBy)
            {
                Thread.Sleep(1);
            }
        }
    }
}
