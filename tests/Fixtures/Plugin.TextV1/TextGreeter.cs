using System.Runtime.CompilerServices;
using Fixture.Contracts;
using Fixture.TextLib;
using Newtonsoft.Json;
using Plugboard;

namespace Fixture.Plugin.TextV1;

/// <summary>Uses Fixture.TextLib 1.0 and Newtonsoft.Json 13.0.3, both private to this plugin.</summary>
[Plugin("custom-text-one")]
public sealed class TextGreeter : IGreeter
{
    public string Greet(string name) =>
        TextFormatter.Format(JsonConvert.SerializeObject(new { name })) + " json " + typeof(JsonConvert).Assembly.GetName().Version;

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
