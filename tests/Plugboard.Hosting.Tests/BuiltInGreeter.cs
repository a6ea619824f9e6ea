using System.Runtime.CompilerServices;
using Fixture.Contracts;

namespace Plugboard.Hosting.Tests;

public sealed class BuiltInGreeterConfig
{
    public string Prefix { get; set; } = "built-in";
}

/// <summary>A built-in plugin: registered in code by the host, not loaded from a folder.</summary>
[Plugin("local", ConfigType = typeof(BuiltInGreeterConfig))]
public sealed class BuiltInGreeter(PluginContext context) : IGreeter
{
    private readonly BuiltInGreeterConfig _config = context.GetConfiguration<BuiltInGreeterConfig>();

    public string Greet(string name) => $"{_config.Prefix} {name}";

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
