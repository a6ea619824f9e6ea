using System.Runtime.CompilerServices;
using Fixture.Contracts;
using Plugboard;

namespace Fixture.Plugin.Faulty;

public abstract class GreeterBase : IGreeter
{
    public virtual string Greet(string name) => "faulty " + name;

    public Task<string> GreetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Greet(name));

    public ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default) => new(0);

    public async IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in names)
        {
            await Task.Yield();
            yield return Greet(name);
        }
    }
}

[Plugin("custom-ctor-throws")]
public sealed class ThrowsInConstructor : GreeterBase
{
    public ThrowsInConstructor() => throw new InvalidOperationException("the greeting table could not be opened");
}

[Plugin("custom-init-throws")]
public sealed class ThrowsInInit : GreeterBase, IPlugin
{
    public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("upstream refused the connection");

    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => new(VerifyResult.Ready());

    public ValueTask DisposeAsync() => default;
}

[Plugin("custom-init-hangs")]
public sealed class HangsInInit : GreeterBase, IPlugin
{
    public async ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return PluginMetadata.Empty;
    }

    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => new(VerifyResult.Ready());

    public ValueTask DisposeAsync() => default;
}

[Plugin("custom-not-ready")]
public sealed class NotReady : GreeterBase, IPlugin
{
    public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken) => new(PluginMetadata.Empty);

    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(VerifyResult.NotReady("greeting service at 127.0.0.1:1 is unreachable; check the address"));

    public ValueTask DisposeAsync() => default;
}

/// <summary>Declares fixture.greeter in its manifest but implements another contract.</summary>
[Plugin("custom-wrong-contract")]
public sealed class WrongContract : ICalculator
{
    public int Add(int a, int b) => a + b;
}
