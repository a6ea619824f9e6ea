using System.Reflection;

namespace Plugboard.Hosting.Rpc.Tests.Infrastructure;

/// <summary>Where the plugin programs built with the tests, and the repository's Node plugins, are.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string SdkTestPluginDirectory { get; } = Metadata("SdkTestPluginDirectory");

    public static string SdkTestPluginDll { get; } = Path.Combine(SdkTestPluginDirectory, "SdkTestPlugin.dll");

    public static string TestHostDll { get; } = Path.Combine(Metadata("TestHostDirectory"), "TestHost.dll");

    public static string CSharpProcessDirectory { get; } = Metadata("CSharpProcessDirectory");

    public static string NodeDataSourceDirectory { get; } = Path.Combine(RepositoryRoot, "samples", "usersync", "plugins", "node-datasource");

    public static string InteropNodeDirectory { get; } = Path.Combine(RepositoryRoot, "tests", "interop-node");

    /// <summary>The entry that starts the SDK test plugin in <paramref name="mode"/>.</summary>
    public static string SdkTestPluginEntry(string mode) => $"dotnet \"{SdkTestPluginDll}\" {mode}";

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing");
}
