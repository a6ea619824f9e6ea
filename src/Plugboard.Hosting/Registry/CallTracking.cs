using System.Collections.Concurrent;
using System.Reflection;

namespace Plugboard.Hosting;

/// <summary>
/// Keeps a call counted in flight on its plugin version until it has really finished: a synchronous
/// call when it returns, a <see cref="Task"/> or <see cref="ValueTask"/> when it completes, an
/// <see cref="IAsyncEnumerable{T}"/> when its enumerator is disposed.
/// </summary>
internal static class CallTracking
{
    private static readonly ConcurrentDictionary<Type, Func<object, PluginGeneration, object>?> Wrappers = new();

    /// <summary>
    /// Arranges for <paramref name="generation"/>'s count to be released when <paramref name="result"/> is
    /// done, for a result only known as an object (the reflection-based routing object, and compiled ones
    /// for a method returning one of its own type parameters).
    /// </summary>
    /// <param name="returnType">The method's return type, which says how to track a value type.</param>
    /// <param name="result">What the method returned.</param>
    /// <param name="generation">The version the call counted itself in on.</param>
    public static object? ReleaseWhenDone(Type returnType, object? result, PluginGeneration generation)
    {
        switch (result)
        {
            case null:
                generation.Exit();
                return null;
            case Task task:
                ReleaseTaskWhenDone(task, generation);
                return task;
        }

        var wrapper = Wrappers.GetOrAdd(returnType, CreateWrapper);
        if (wrapper is null)
        {
            generation.Exit();
            return result;
        }

        return wrapper(result, generation);
    }

    /// <summary>Releases the count when <paramref name="task"/> completes (at once when it is null or done).</summary>
    public static void ReleaseTaskWhenDone(Task? task, PluginGeneration generation)
    {
        if (task is null || task.IsCompleted)
        {
            generation.Exit();
            return;
        }

        // Registered before the caller gets the task, so it runs before the caller's own continuation.
        task.ContinueWith(
            static (_, state) => ((PluginGeneration)state!).Exit(),
            generation,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>For a result declared as an object or an interface: tracks it if it is in fact a task.</summary>
    public static void ReleaseIfTaskWhenDone(object? result, PluginGeneration generation)
    {
        if (result is Task task)
        {
            ReleaseTaskWhenDone(task, generation);
        }
        else
        {
            generation.Exit();
        }
    }

    /// <summary>Releases the count when <paramref name="valueTask"/> completes; returns what the caller gets instead.</summary>
    public static ValueTask TrackValueTask(ValueTask valueTask, PluginGeneration generation)
    {
        if (valueTask.IsCompleted)
        {
            generation.Exit();
            return valueTask;
        }

        var task = valueTask.AsTask();
        ReleaseTaskWhenDone(task, generation);
        return new ValueTask(task);
    }

    /// <summary>Releases the count when <paramref name="valueTask"/> completes; returns what the caller gets instead.</summary>
    public static ValueTask<T> TrackValueTaskOf<T>(ValueTask<T> valueTask, PluginGeneration generation)
    {
        if (valueTask.IsCompleted)
        {
            generation.Exit();
            return valueTask;
        }

        var task = valueTask.AsTask();
        ReleaseTaskWhenDone(task, generation);
        return new ValueTask<T>(task);
    }

    /// <summary>Keeps the count until the sequence's enumeration ends; returns what the caller gets instead.</summary>
    public static IAsyncEnumerable<T>? TrackAsyncEnumerable<T>(IAsyncEnumerable<T>? sequence, PluginGeneration generation)
    {
        if (sequence is null)
        {
            generation.Exit();
            return null;
        }

        return new LeasedAsyncEnumerable<T>(sequence, generation);
    }

    private static Func<object, PluginGeneration, object>? CreateWrapper(Type returnType)
    {
        if (returnType == typeof(ValueTask))
        {
            return BoxedValueTask;
        }

        if (!returnType.IsGenericType)
        {
            return null;
        }

        var definition = returnType.GetGenericTypeDefinition();
        var name = definition == typeof(ValueTask<>) ? nameof(BoxedValueTaskOf)
            : definition == typeof(IAsyncEnumerable<>) ? nameof(BoxedAsyncEnumerable)
            : null;
        if (name is null)
        {
            return null;
        }

        var method = typeof(CallTracking).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(returnType.GetGenericArguments()[0]);
        return method.CreateDelegate<Func<object, PluginGeneration, object>>();
    }

    // The value tasks are boxed to go back through reflection, and consumed once by the caller.
#pragma warning disable CA2012
    private static object BoxedValueTask(object result, PluginGeneration generation) =>
        TrackValueTask((ValueTask)result, generation);

    private static object BoxedValueTaskOf<T>(object result, PluginGeneration generation) =>
        TrackValueTaskOf((ValueTask<T>)result, generation);
#pragma warning restore CA2012

    private static object BoxedAsyncEnumerable<T>(object result, PluginGeneration generation) =>
        TrackAsyncEnumerable((IAsyncEnumerable<T>)result, generation)!;
}

/// <summary>
/// An async sequence from a plugin that keeps its version counted in flight until enumeration ends.
/// The call's own count passes to the first enumerator; later enumerations count themselves in while
/// that version is still current. A sequence that is never enumerated holds its version until the
/// host's drain timeout.
/// </summary>
internal sealed class LeasedAsyncEnumerable<T>(IAsyncEnumerable<T> inner, PluginGeneration generation) : IAsyncEnumerable<T>
{
    private int _callCountTaken;

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _callCountTaken, 1) != 0 && !generation.TryEnter())
        {
            throw new PluginNotAvailableException(
                generation.Id,
                $"version {generation.Version} of plugin '{generation.Id}' has been replaced; call the method again to enumerate the current version.");
        }

        try
        {
            return new Enumerator(inner.GetAsyncEnumerator(cancellationToken), generation);
        }
        catch
        {
            generation.Exit();
            throw;
        }
    }

    private sealed class Enumerator(IAsyncEnumerator<T> inner, PluginGeneration generation) : IAsyncEnumerator<T>
    {
        private int _released;

        public T Current => inner.Current;

        public ValueTask<bool> MoveNextAsync() => inner.MoveNextAsync();

        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    generation.Exit();
                }
            }
        }
    }
}
