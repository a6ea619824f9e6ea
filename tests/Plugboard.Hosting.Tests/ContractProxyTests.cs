using System.Reflection;
using System.Runtime.CompilerServices;
using Fixture.Contracts;

namespace Plugboard.Hosting.Tests;

public interface INamed
{
    string Name { get; }
}

public readonly record struct Point(int X, int Y);

/// <summary>A contract with every shape of member a routing object has to forward.</summary>
[PluginContract("tests.workbench", 1)]
public interface IWorkbench : INamed
{
    event EventHandler<string>? Noticed;

    string Label { get; set; }

    int Add(int a, int b);

    void Run(Action during);

    void Notice(string what);

    Task WaitAsync(Task until);

    Task<int> WaitForAsync(Task<int> until);

    ValueTask WaitValueAsync(Task until);

    ValueTask<int> WaitForValueAsync(Task<int> until);

    IAsyncEnumerable<int> CountAsync(int to, Task before);

    object Untyped(object value);

    T Echo<T>(T value);

    TItem Largest<TItem>(IEnumerable<TItem> items) where TItem : IComparable<TItem>;

    Task<T> EchoAsync<T>(T value, Task before) where T : class;

    bool TryParse(string text, out int value);

    void Double(ref int value);

    int Sum(in Point point);

    void Throw(string message);

    Task ThrowAsync(string message);

    string Describe() => $"{Name} labelled {Label}";

    string Greet(string who) => $"hello {who}";
}

/// <summary>A generic contract, with type parameters and constraints of every kind on its methods.</summary>
public interface IStore<TItem> where TItem : class
{
    TItem? Find(string key);

    TValue Convert<TValue>(TItem item) where TValue : struct, IParsable<TValue>;

    TNew Create<TNew>() where TNew : class, new();

    IReadOnlyList<TOut> Map<TOut>(Func<TItem, TOut> map) where TOut : notnull;

    int Count(ReadOnlySpan<char> prefix);

    ref int Slot(int index);
}

/// <summary>A contract only its own assembly can see.</summary>
internal interface IHiddenCounter
{
    int Next();
}

public sealed class Workbench : IWorkbench
{
    public event EventHandler<string>? Noticed;

    public string Name => "workbench";

    public string Label { get; set; } = "none";

    public int Add(int a, int b) => a + b;

    public void Run(Action during) => during();

    public void Notice(string what) => Noticed?.Invoke(this, what);

    public async Task WaitAsync(Task until) => await until;

    public async Task<int> WaitForAsync(Task<int> until) => await until;

    public async ValueTask WaitValueAsync(Task until) => await until;

    public async ValueTask<int> WaitForValueAsync(Task<int> until) => await until;

    public async IAsyncEnumerable<int> CountAsync(int to, Task before)
    {
        await before;
        for (var i = 1; i <= to; i++)
        {
            yield return i;
        }
    }

    public object Untyped(object value) => value;

    public T Echo<T>(T value) => value;

    public TItem Largest<TItem>(IEnumerable<TItem> items) where TItem : IComparable<TItem> => items.Max()!;

    public async Task<T> EchoAsync<T>(T value, Task before) where T : class
    {
        await before;
        return value;
    }

    public bool TryParse(string text, out int value) => int.TryParse(text, out value);

    public void Double(ref int value) => value *= 2;

    public int Sum(in Point point) => point.X + point.Y;

    public void Throw(string message) => throw new InvalidOperationException(message);

    public async Task ThrowAsync(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    public string Greet(string who) => $"{Name} greets {who}";
}

public sealed class StringStore : IStore<string>
{
    private readonly string[] _items = ["7", "42", "ab"];
    private readonly int[] _slots = new int[4];

    public string? Find(string key) => _items.FirstOrDefault(i => i == key);

    public TValue Convert<TValue>(string item) where TValue : struct, IParsable<TValue> => TValue.Parse(item, null);

    public TNew Create<TNew>() where TNew : class, new() => new();

    public IReadOnlyList<TOut> Map<TOut>(Func<string, TOut> map) where TOut : notnull => _items.Select(map).ToList();

    public int Count(ReadOnlySpan<char> prefix)
    {
        var count = 0;
        foreach (var item in _items)
        {
            count += item.AsSpan().StartsWith(prefix) ? 1 : 0;
        }

        return count;
    }

    public ref int Slot(int index) => ref _slots[index];
}

public interface ITally
{
    int Touch();
}

/// <summary>A plugin the host creates for each version and disposes when that version is retired.</summary>
public sealed class Tally : ITally, IDisposable
{
    private volatile bool _disposed;
    private int _touched;

    public static int Disposed;

    public int Touch()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Thread.SpinWait(20);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ++_touched;
    }

    public void Dispose()
    {
        _disposed = true;
        Interlocked.Increment(ref Disposed);
    }
}

internal sealed class HiddenCounter : IHiddenCounter
{
    private int _next;

    public int Next() => ++_next;
}

/// <summary>A host with the workbench registered as a built-in plugin, and both kinds of routing object for it.</summary>
public sealed class WorkbenchHost : IAsyncDisposable
{
    public const string Id = "bench";

    private WorkbenchHost(PluginHost host) => Host = host;

    public PluginHost Host { get; }

    internal PluginRegistry<IWorkbench> Registry => (PluginRegistry<IWorkbench>)Host.Registry<IWorkbench>();

    /// <summary>The calls counted in flight on the version serving now.</summary>
    public int InFlight => Current.InFlight;

    internal PluginGeneration Current => Registry.SlotOf(Id)!.Entry!.Current!;

    public static async Task<WorkbenchHost> StartAsync()
    {
        var host = new PluginHost(new PlugboardOptions { DrainTimeout = TimeSpan.FromSeconds(20) });
        host.AddBuiltIn<IWorkbench>(Id, new Workbench());
        await host.StartAsync();
        return new WorkbenchHost(host);
    }

    /// <summary>The compiled routing object the registry hands out, or the reflection-based one.</summary>
    public IWorkbench Routing(string kind) => kind switch
    {
        "compiled" => Host.Registry<IWorkbench>().Get(Id),
        "reflection" => DispatchContractProxy<IWorkbench>.Create(Registry.SlotOf(Id)!),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "compiled or reflection"),
    };

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

public sealed class ContractProxyTests
{
    public static TheoryData<string> Kinds => new() { "compiled", "reflection" };

    [Fact]
    public async Task The_registry_hands_out_a_compiled_routing_object()
    {
        await using var bench = await WorkbenchHost.StartAsync();

        var routing = bench.Host.Registry<IWorkbench>().Get(WorkbenchHost.Id);

        Assert.True(ContractProxy<IWorkbench>.IsCompiled, ContractProxy<IWorkbench>.NotCompiledBecause);
        Assert.IsNotAssignableFrom<DispatchProxy>(routing);
        Assert.Same(routing, bench.Host.Registry<IWorkbench>().Get(WorkbenchHost.Id));
        Assert.Equal(5, routing.Add(2, 3));
    }

    [Fact]
    public async Task A_contract_internal_to_its_assembly_gets_a_compiled_routing_object()
    {
        await using var host = new PluginHost(new PlugboardOptions());
        host.AddBuiltIn<IHiddenCounter>("counter", new HiddenCounter());
        await host.StartAsync();

        var counter = host.Registry<IHiddenCounter>().Get("counter");

        Assert.True(ContractProxy<IHiddenCounter>.IsCompiled, ContractProxy<IHiddenCounter>.NotCompiledBecause);
        Assert.Equal(1, counter.Next());
        Assert.Equal(2, counter.Next());
    }

    [Fact]
    public async Task A_generic_contract_with_constrained_generic_methods_gets_a_compiled_routing_object()
    {
        await using var host = new PluginHost(new PlugboardOptions());
        host.AddBuiltIn<IStore<string>>("store", new StringStore());
        await host.StartAsync();

        var store = host.Registry<IStore<string>>().Get("store");

        Assert.True(ContractProxy<IStore<string>>.IsCompiled, ContractProxy<IStore<string>>.NotCompiledBecause);
        Assert.Equal("42", store.Find("42"));
        Assert.Null(store.Find("nothing"));
        Assert.Equal(42, store.Convert<int>("42"));
        Assert.IsType<List<int>>(store.Create<List<int>>());
        Assert.Equal([1, 2, 2], store.Map(i => i.Length));
        Assert.Equal(1, store.Count("4"));
    }

    [Fact]
    public async Task A_reference_returned_by_a_compiled_routing_object_points_into_the_plugin()
    {
        await using var host = new PluginHost(new PlugboardOptions());
        var plugin = new StringStore();
        host.AddBuiltIn<IStore<string>>("store", plugin);
        await host.StartAsync();
        var store = host.Registry<IStore<string>>().Get("store");

        store.Slot(2) = 5;

        Assert.Equal(5, plugin.Slot(2));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_synchronous_call_counts_in_flight_while_it_runs(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var during = new List<int>();

        // The first call on a thread and the later ones are counted in different ways.
        routing.Run(() => during.Add(bench.InFlight));
        routing.Run(() => during.Add(bench.InFlight));

        Assert.Equal([1, 1], during);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Nested_synchronous_calls_each_count_in_flight(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var deepest = -1;
        void Nest(int depth)
        {
            if (depth == 0)
            {
                deepest = bench.InFlight;
                return;
            }

            routing.Run(() => Nest(depth - 1));
        }

        routing.Add(1, 1);
        Nest(12); // deeper than the per-thread slots (8)

        Assert.Equal(12, deepest);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Unloading_waits_for_a_synchronous_call_running_on_another_thread(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var generation = bench.Current;
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var call = Task.Factory.StartNew(
            () =>
            {
                routing.Add(1, 1);
                routing.Run(() =>
                {
                    entered.Set();
                    release.Wait();
                });
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        entered.Wait();

        var unloading = bench.Host.UnloadAsync(WorkbenchHost.Id);
        while (!generation.IsRetired)
        {
            await Task.Delay(10);
        }

        var completedWhileRunning = unloading.IsCompleted;
        var inFlightWhileRunning = generation.InFlight;
        release.Set();
        await call;

        Assert.True(await unloading.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.False(completedWhileRunning);
        Assert.Equal(1, inFlightWhileRunning);
        Assert.Equal(0, generation.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_task_counts_in_flight_until_it_completes(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource();

        var call = routing.WaitAsync(release.Task);
        var whileRunning = bench.InFlight;
        release.SetResult();
        await call;

        Assert.Equal(1, whileRunning);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_task_with_a_result_counts_in_flight_until_it_completes(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource<int>();

        var call = routing.WaitForAsync(release.Task);
        var whileRunning = bench.InFlight;
        release.SetResult(42);

        Assert.Equal(42, await call);
        Assert.Equal(1, whileRunning);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_value_task_counts_in_flight_until_it_completes(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource();

        var call = routing.WaitValueAsync(release.Task);
        var whileRunning = bench.InFlight;
        release.SetResult();
        await call;

        Assert.Equal(1, whileRunning);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_value_task_with_a_result_counts_in_flight_until_it_completes(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource<int>();

        var call = routing.WaitForValueAsync(release.Task);
        var whileRunning = bench.InFlight;
        release.SetResult(7);

        Assert.Equal(7, await call);
        Assert.Equal(1, whileRunning);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_async_sequence_counts_in_flight_until_its_enumeration_ends(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource();

        var sequence = routing.CountAsync(3, release.Task);
        var beforeEnumerating = bench.InFlight;
        var enumerating = SumAsync(sequence);
        var whileEnumerating = bench.InFlight;
        release.SetResult();

        Assert.Equal(6, await enumerating);
        Assert.Equal((1, 1), (beforeEnumerating, whileEnumerating));
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_task_returned_as_an_object_counts_in_flight_until_it_completes(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource();

        var call = (Task)routing.Untyped(release.Task);
        var whileRunning = bench.InFlight;
        release.SetResult();
        await call;

        Assert.Equal(1, whileRunning);
        Assert.Equal(0, bench.InFlight);
        Assert.Equal("plain", routing.Untyped("plain"));
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_generic_method_returning_a_value_task_counts_in_flight_until_it_completes(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource<int>();

        var call = routing.Echo(new ValueTask<int>(release.Task));
        var whileRunning = bench.InFlight;
        release.SetResult(3);

        Assert.Equal(3, await call);
        Assert.Equal(1, whileRunning);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Generic_methods_are_forwarded_with_their_type_arguments(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);

        Assert.Equal(5, routing.Echo(5));
        Assert.Equal("five", routing.Echo("five"));
        Assert.Equal(9, routing.Largest([3, 9, 2]));
        Assert.Equal("b", routing.Largest(["a", "b"]));
        Assert.Equal("later", await routing.EchoAsync("later", Task.CompletedTask));
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Ref_out_and_in_parameters_are_forwarded(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var value = 21;

        routing.Double(ref value);
        var parsed = routing.TryParse("17", out var number);

        Assert.Equal(42, value);
        Assert.True(parsed);
        Assert.Equal(17, number);
        Assert.Equal(7, routing.Sum(new Point(3, 4)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Properties_events_and_base_interface_members_are_forwarded(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var noticed = new List<string>();
        void OnNoticed(object? sender, string what) => noticed.Add(what);

        routing.Label = "blue";
        routing.Noticed += OnNoticed;
        routing.Notice("first");
        routing.Noticed -= OnNoticed;
        routing.Notice("second");

        Assert.Equal("blue", routing.Label);
        Assert.Equal("workbench", routing.Name);
        Assert.Equal(["first"], noticed);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Default_interface_members_run_on_the_plugin(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        routing.Label = "red";

        Assert.Equal("workbench labelled red", routing.Describe());
        Assert.Equal(0, bench.InFlight);

        // The plugin's own version of a default member wins, as it does in a direct call.
        Assert.Equal("workbench greets Ada", routing.Greet("Ada"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_exception_reaches_the_caller_as_thrown_and_releases_the_call(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);

        var thrown = Assert.Throws<InvalidOperationException>(() => routing.Throw("sync failure"));
        var faulted = await Assert.ThrowsAsync<InvalidOperationException>(() => routing.ThrowAsync("async failure"));

        Assert.Equal("sync failure", thrown.Message);
        Assert.Equal("async failure", faulted.Message);
        Assert.Equal(0, bench.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_call_pending_across_a_reload_finishes_on_the_old_version_while_new_calls_reach_the_new_one(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);
        var release = new TaskCompletionSource<int>();
        var old = bench.Current;

        var pending = routing.WaitForAsync(release.Task);
        await bench.Host.ReloadAsync(WorkbenchHost.Id);
        var replacement = bench.Current;
        var answer = routing.Add(1, 1);
        var onOldWhilePending = old.InFlight;
        release.SetResult(9);

        Assert.Equal(9, await pending);
        Assert.NotSame(old, replacement);
        Assert.Equal(2, answer);
        Assert.Equal(1, onOldWhilePending);
        Assert.Equal(0, old.InFlight);
        Assert.Equal(0, replacement.InFlight);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_call_after_the_plugin_is_removed_throws_PluginNotAvailableException(string kind)
    {
        await using var bench = await WorkbenchHost.StartAsync();
        var routing = bench.Routing(kind);

        await bench.Host.UnloadAsync(WorkbenchHost.Id);
        var error = Assert.Throws<PluginNotAvailableException>(() => routing.Add(1, 2));

        Assert.Equal(WorkbenchHost.Id, error.PluginId);
        Assert.StartsWith($"no plugin '{WorkbenchHost.Id}' for contract tests.workbench/v1", error.Message);
    }

    [Fact]
    public async Task No_synchronous_call_runs_on_a_version_after_it_is_disposed()
    {
        var host = new PluginHost(new PlugboardOptions { DrainTimeout = TimeSpan.FromSeconds(30) });
        host.AddBuiltIn<ITally, Tally>("tally");
        await host.StartAsync();
        var tally = host.Registry<ITally>().Get("tally");
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        tally.Touch();
                    }
                    catch (Exception ex)
                    {
                        failures.Enqueue(ex);
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToList();
        var disposedBefore = Volatile.Read(ref Tally.Disposed);

        for (var reload = 0; reload < 20; reload++)
        {
            await host.ReloadAsync("tally");
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);
        await host.DisposeAsync(); // waits for every retired version to be drained and disposed

        Assert.Empty(failures);
        Assert.True(Volatile.Read(ref Tally.Disposed) - disposedBefore >= 21);
    }

    [Fact]
    public async Task A_routing_object_kept_across_an_unload_reaches_the_plugin_loaded_again()
    {
        await using var test = new TestHost();
        var folder = test.Folders.Install("Plugin.Hello");
        await test.StartAsync();
        var greeter = test.Greeters.Get("custom-hello");

        await test.Host.UnloadAsync("custom-hello");
        Assert.Throws<PluginNotAvailableException>(() => greeter.Greet("Ada"));
        await test.Host.LoadAsync(folder);

        Assert.Equal("Hello, Ada!", greeter.Greet("Ada"));
        Assert.IsNotAssignableFrom<DispatchProxy>(greeter);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> SumAsync(IAsyncEnumerable<int> items)
    {
        var sum = 0;
        await foreach (var item in items)
        {
            sum += item;
        }

        return sum;
    }
}
