using Plugboard;

namespace Fixture.Contracts;

/// <summary>The contract the fixture plugins implement (version 1.0).</summary>
[PluginContract("fixture.greeter", 1)]
public interface IGreeter
{
    string Greet(string name);

    Task<string> GreetAsync(string name, CancellationToken cancellationToken = default);

    ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default);

    IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default);
}
