using Microsoft.Extensions.Logging;
using Plugboard;

namespace MyProcessPlugin;

/// <summary>The configuration the host's Init sends, checked against plugin.yaml's config schema and bound here.</summary>
public sealed class GreeterConfig
{
    /// <summary>What the greeting starts with.</summary>
    public string Greeting { get; set; } = "Hello";
}

/// <summary>The plugin's lifecycle: the host's Init (with the validated configuration) and Verify reach it.</summary>
public sealed class GreeterPlugin : PluginBase<GreeterConfig>
{
    /// <inheritdoc />
    protected override ValueTask<PluginMetadata> OnInitAsync(CancellationToken cancellationToken)
    {
        Logger.LogInformation("Greeting with {Greeting}", Config.Greeting);
        return new(PluginMetadata.Empty);
    }

    /// <inheritdoc />
    public override ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(string.IsNullOrWhiteSpace(Config.Greeting)
            ? VerifyResult.NotReady("greeting is blank; set it in the plugin's configuration")
            : VerifyResult.Ready());

    /// <summary>A greeting for <paramref name="name"/>.</summary>
    public string Greet(string name) => $"{Config.Greeting}, {(string.IsNullOrEmpty(name) ? "world" : name)}!";
}
