using Plugboard.Sources.Fs;
using Plugboard.Sources.Git;
using Plugboard.Sources.Http;

namespace Plugboard.Sources.Providers;

/// <summary>The source types built into this assembly.</summary>
public static class PluginSourceProviders
{
    /// <summary><c>fs</c>, <c>git</c> and <c>http</c>.</summary>
    public static IReadOnlyList<IPluginSourceProvider> BuiltIn { get; } = [new FsSourceProvider(), new GitSourceProvider(), new HttpSourceProvider()];
}
