using System.Reflection;

namespace Plugboard.Managed.Tests;

/// <summary>Where the programs the end-to-end tests start were built (set by the test project, see its csproj).</summary>
public static class EndToEndPaths
{
    /// <summary>The scope the managed UserSync hosts run.</summary>
    public const string Scope = "usersync";

    public static string ServerAssembly { get; } = Metadata("ServerAssembly");

    public static string UserSyncHostDirectory { get; } = Metadata("UserSyncHostDirectory");

    public static string UserSyncDataDirectory { get; } = Metadata("UserSyncDataDirectory");

    public static string CustomLdifDirectory { get; } = Metadata("CustomLdifDirectory");

    public static string CSharpProcessDirectory { get; } = Metadata("CSharpProcessDirectory");

    private static string Metadata(string key) =>
        typeof(EndToEndPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
