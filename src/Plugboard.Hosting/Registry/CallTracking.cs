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

    /// <summary>Arranges for <paramref name="generation"/>'s count to be released when <paramref name="result"/> is done.</summary>
    public static object? ReleaseWhenDone(Type returnType, object? result, PluginGeneration generation)
    {
        switch (result)
        {
            case null:
                generation.Exit();
                return null;
            case Task task:
                ReleaseWhenDone(task, generation);
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

    private static void ReleaseWhenDone(Task task, PluginGeneration generation)
    {
        if (task.IsCompleted)
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

    private static Func<object, PluginGeneration, object>? CreateWrapper(Type returnType)
    {
        if (returnType == typeof(ValueTask))
        {
            return TrackValueTask;
        }

        if (!returnType.IsGenericType)
        {
            return null;
        }

        var definition = returnType.GetGenericTypeDefinition();
        var name = definition == typeof(ValueTask<>) ? nameof(TrackValueTaskOf)
            : definition == typeof(IAsyncEnumerable<>) ? nameof(TrackAsyncEnumerable)
            : null;
        if (name is null)
        {
            return null;
        }

        var method = typeof(CallTracking).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(returnType.GetGenericArguments()[0]);
        return method.CreateDelegate<Func<object, PluginGeneration, object>>();
    }

    private static object TrackValueTask(object result, PluginGeneration generation)
    {
        var valueTask = (ValueTask)result;
        if (valueTask.IsCompleted)
        {
            generation.Exit();
            return result;
        }

        var task = valueTask.AsTask();
        ReleaseWhenDone(task, generation);
        return new ValueTask(task);
    }

    private static object TrackValueTaskOf<T>(object result, PluginGeneration generation)
    {
        var valueTask = (ValueTask<T>)result;
        if (valueTask.IsCompleted)
        {
            generation.Exit();
            return result;
        }

        var task = valueTask.AsTask();
        ReleaseWhenDone(task, generation);
        return new ValueTask<T>(task);
    }

    private static object TrackAsyncEnumerable<T>(object result, PluginGeneration generation) =>
        new LeasedAsyncEnumerable<T>((IAsyncEnumerable<T>)result, generation);
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
