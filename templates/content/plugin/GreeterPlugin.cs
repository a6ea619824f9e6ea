using Microsoft.Extensions.Logging;
using MyHost.Contracts;
using Plugboard;

namespace MyPlugin;

/// <summary>The configuration, bound from the host's settings for this plugin and checked against plugin.yaml's config schema.</summary>
public sealed class GreeterConfig
{
    /// <summary>What the greeting starts with.</summary>
    public string Greeting { get; set; } = "Hello";
}

/// <summary>The plugin: the class carrying plugin.yaml's id, implementing every contract the manifest declares.</summary>
[Plugin("custom-hello")]
public sealed class GreeterPlugin : PluginBase<GreeterConfig>, IGreeter
{
    /// <inheritdoc />
    protected override ValueTask<PluginMetadata> OnInitAsync(CancellationToken cancellationToken)
    {
        // Config is bound and validated; Logger carries the plugin id and version.
        Logger.LogInformation("Greeting with {Greeting}", Config.Greeting);
        return new(PluginMetadata.Empty);
    }

    /// <inheritdoc />
    public override ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(string.IsNullOrWhiteSpace(Config.Greeting)
            ? VerifyResult.NotReady("greeting is blank; set it in the host's settings for this plugin")
            : VerifyResult.Ready());

    /// <inheritdoc />
    public string Greet(string name) => $"{Config.Greeting}, {name}!";
}
