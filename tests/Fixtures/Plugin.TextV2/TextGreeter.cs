using System.Runtime.CompilerServices;
using Fixture.Contracts;
using Fixture.TextLib;
using Plugboard;

namespace Fixture.Plugin.TextV2;

/// <summary>Uses Fixture.TextLib 2.0, private to this plugin.</summary>
[Plugin("custom-text-two")]
public sealed class TextGreeter : IGreeter
{
    public string Greet(string name) => TextFormatter.Format(name);

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
