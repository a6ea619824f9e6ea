namespace Plugboard.Ui.Tests;

/// <summary>
/// The fixture plugin the UI tests install: tests/Fixtures/Plugin.Hello with a schema that uses every kind of field
/// the form renderer knows (string, enum, secret, integer, boolean, number, array, a format only the center checks)
/// and zh-CN display names.
/// </summary>
public static class UiPackages
{
    public static string HelloYaml(string version, string? supportedUpgradeFrom = null) => $$"""
        id: custom-hello
        version: {{version}}
        displayName:
          en: Hello greeter
          zh-CN: 问候插件
        description:
          en: Greets people by name.
          zh-CN: 按名字向人们问好。
        provider: Plugboard tests
        tags: [greeting, demo]
        runtime: assembly
        entry:
          default: Fixture.Plugin.Hello.dll
        contracts:
          - name: fixture.greeter
            version: ^1.0
        {{(supportedUpgradeFrom is null ? "" : $"supportedUpgradeFrom: \"{supportedUpgradeFrom}\"")}}
        config:
          type: object
          required: [greeting, apiKey]
          properties:
            greeting:
              type: string
              default: Hello
              minLength: 1
              maxLength: 40
              x-order: 1
              x-title:
                en: Greeting
                zh-CN: 问候语
            punctuation:
              type: string
              default: "!"
              enum: ["!", ".", "?"]
              x-order: 2
              x-title:
                en: Punctuation
                zh-CN: 标点
            apiKey:
              type: string
              writeOnly: true
              minLength: 8
              x-order: 3
              x-title:
                en: API key
                zh-CN: 接口密钥
            repeat:
              type: integer
              minimum: 1
              maximum: 5
              default: 1
              x-order: 4
            loud:
              type: boolean
              default: false
              x-order: 5
            ratio:
              type: number
              minimum: 0
              maximum: 1
              x-order: 6
            names:
              type: array
              maxItems: 3
              items:
                type: string
              x-order: 7
            retryEvery:
              type: string
              format: duration
              default: PT30S
              x-order: 8
              x-title:
                en: Retry every
        """;

    /// <summary>A second plugin with an English name only (the zh-CN page falls back to it).</summary>
    public static string OtherYaml() => """
        id: custom-other
        version: 1.0.0
        displayName:
          en: Other greeter
        description:
          en: Another greeter, named in English only.
        provider: Other vendor
        tags: [other]
        runtime: assembly
        entry:
          default: Fixture.Plugin.Hello.dll
        contracts:
          - name: fixture.greeter
            version: ^1.0
        """;

    /// <summary>Packs custom-hello 1.0.0, 1.1.0, 2.0.0 (upgrades from 1.1.0 or later only) and custom-other into <paramref name="folder"/>.</summary>
    public static async Task FillSourceAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, yaml) in new[]
        {
            ("custom-hello-1.0.0", HelloYaml("1.0.0")),
            ("custom-hello-1.1.0", HelloYaml("1.1.0")),
            ("custom-hello-2.0.0", HelloYaml("2.0.0", ">=1.1.0")),
            ("custom-other-1.0.0", OtherYaml()),
        })
        {
            var packed = await FixturePackages.PackAsync("Plugin.Hello", yaml, folder);
            File.Move(packed, Path.Combine(folder, name + ".pbpkg"));
        }
    }
}
