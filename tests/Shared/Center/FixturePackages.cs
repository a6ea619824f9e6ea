using Plugboard.Packaging;

namespace Plugboard.Tests.Shared;

/// <summary>
/// Packs the published fixture plugins (real compiled assemblies) into .pbpkg files, with the plugin.yaml a test
/// needs (another version, upgrade rules, dependencies), the way a publisher would.
/// </summary>
public static class FixturePackages
{
    public static string FixturesDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string HelloYaml(string version = "1.0.0", string? extra = null) => $"""
        id: custom-hello
        version: {version}
        displayName:
          en: Hello greeter
          zh-CN: 问候插件
        description:
          en: Greets people.
        provider: Plugboard tests
        tags: [greeting, demo]
        runtime: assembly
        entry:
          default: Fixture.Plugin.Hello.dll
        contracts:
          - name: fixture.greeter
            version: ^1.0
        config:
          type: object
          properties:
            greeting:
              type: string
              default: Hello
              minLength: 1
              x-title: {"{"} en: Greeting, zh-CN: 问候语 {"}"}
            punctuation:
              type: string
              default: "!"
              enum: ["!", ".", "?"]
            apiKey:
              type: string
              writeOnly: true
              minLength: 8
        {extra}
        """;

    public static string ReloadYaml(string dependsOn) => $"""
        id: custom-reload
        version: 1.0.0
        runtime: assembly
        entry:
          default: Fixture.Plugin.Reload.dll
        contracts:
          - name: fixture.greeter
            version: ^1.0
        dependencies:
          - id: custom-hello
            version: "{dependsOn}"
        """;

    public static string FaultyYaml(string id) => $"""
        id: {id}
        version: 1.0.0
        runtime: assembly
        entry:
          default: Fixture.Plugin.Faulty.dll
        contracts:
          - name: fixture.greeter
            version: ^1.0
        """;

    /// <summary>Where the process plugin program built with the tests is (tests/Plugboard.Server.Tests/TestPlugins/CenterProcessPlugin).</summary>
    public static string ProcessPluginDirectory { get; } =
        typeof(FixturePackages).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "CenterProcessPluginDirectory").Value!;

    public static string ProcessYaml(string id = "custom-process", string version = "1.0.0") => $"""
        id: {id}
        version: {version}
        displayName:
          en: Process greeter
        provider: Plugboard tests
        tags: [greeting, process]
        runtime: process
        entry:
          default: dotnet CenterProcessPlugin.dll
        contracts:
          - name: fixture.greeter
            version: ^1.0
        config:
          type: object
          properties:
            greeting:
              type: string
              default: Hello
            ready:
              type: boolean
              default: true
            failInit:
              type: boolean
              default: false
            token:
              type: string
              writeOnly: true
        """;

    /// <summary>Packs the process plugin program (every file of its build output, sub-folders included) with <paramref name="yaml"/>.</summary>
    public static async Task<string> PackProcessPluginAsync(string yaml, string outputDirectory)
    {
        var work = Path.Combine(outputDirectory, "work-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.EnumerateFiles(ProcessPluginDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(work, Path.GetRelativePath(ProcessPluginDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        await File.WriteAllTextAsync(Path.Combine(work, "plugin.yaml"), yaml);
        var output = Path.Combine(outputDirectory, Guid.NewGuid().ToString("N")[..8] + ".pbpkg");
        await PackageWriter.PackAsync(work, output);
        Directory.Delete(work, recursive: true);
        return output;
    }

    /// <summary>Packs fixture project <paramref name="project"/> with <paramref name="yaml"/> as its manifest into <paramref name="outputDirectory"/>.</summary>
    public static async Task<string> PackAsync(string project, string yaml, string outputDirectory)
    {
        var source = Path.Combine(FixturesDirectory, project);
        var work = Path.Combine(outputDirectory, "work-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var name = Path.GetFileName(file);
            if (!name.StartsWith("plugin", StringComparison.Ordinal) || !name.EndsWith(".yaml", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(work, name));
            }
        }

        await File.WriteAllTextAsync(Path.Combine(work, "plugin.yaml"), yaml);
        var output = Path.Combine(outputDirectory, Guid.NewGuid().ToString("N")[..8] + ".pbpkg");
        await PackageWriter.PackAsync(work, output);
        Directory.Delete(work, recursive: true);
        return output;
    }
}
