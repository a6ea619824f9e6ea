using System.Text.Json;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests.Center;

/// <summary>
/// A <see cref="RunningCenter"/> where custom-http 1.0.0 was pushed and installed with a secret through the CLI
/// (<c>plugboard push</c>, <c>plugboard install --set … --wait</c>); the tests read what those runs printed.
/// </summary>
public sealed class InstalledCenter : IAsyncLifetime
{
    public const string Secret = "s3cret-api-token-7f2d91";

    public RunningCenter Center { get; } = new();

    public CliResult Push { get; private set; } = null!;

    public CliResult Install { get; private set; } = null!;

    /// <summary>The id of the custom-http installation.</summary>
    public string InstallationId { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await Center.InitializeAsync();
        Center.NeverPrinted.Add(Secret);
        Push = await Center.RunAsync("push", await Center.PackHttpAsync());
        Install = await Center.RunAsync("install", "custom-http", "--version", "1.0.0", "--set", $"baseUrl={Center.DirectoryUrl}", "--set", $"apiToken={Secret}", "--wait");
        var list = await Center.RunAsync("status", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        InstallationId = JsonDocument.Parse(list.Out).RootElement.EnumerateArray().Single(i => i.GetProperty("plugin").GetString() == "custom-http").GetProperty("id").GetString()!;
    }

    public Task DisposeAsync() => Center.DisposeAsync();
}
