using System.Runtime.CompilerServices;
using Fixture.Contracts;
using Microsoft.Extensions.Logging;
using Plugboard;

namespace Fixture.Plugin.Hello;

public sealed class HelloConfig
{
    public string Greeting { get; set; } = "Hi";

    public string Punctuation { get; set; } = ".";

    public string? ApiKey { get; set; }
}

[Plugin("custom-hello")]
public sealed class HelloGreeter : PluginBase<HelloConfig>, IGreeter
{
    private int _calls;

    protected override ValueTask<PluginMetadata> OnInitAsync(CancellationToken cancellationToken)
    {
        Logger.LogInformation("hello initialized with greeting {Greeting}", Config.Greeting);
        var metadata = PluginMetadata.Empty
            .With("greeting", Config.Greeting)
            .With("contractVersion", typeof(IGreeter).Assembly.GetName().Version?.ToString());
        return new(metadata);
    }

    public string Greet(string name)
    {
        Interlocked.Increment(ref _calls);
        return $"{Config.Greeting}, {name}{Config.Punctuation}";
    }

    public async Task<string> GreetAsync(string name, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Greet(name);
    }

    public ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default) => new(Volatile.Read(ref _calls));

    public async IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in names)
        {
            await Task.Yield();
            yield return Greet(name);
        }
    }
}
