namespace Plugboard.Hosting.Tests;

public sealed class FailureTests
{
    public static TheoryData<string, string> FailureKinds => new()
    {
        { "ctor-throws", "custom-ctor-throws: the constructor of Fixture.Plugin.Faulty.ThrowsInConstructor threw InvalidOperationException: the greeting table could not be opened" },
        { "init-throws", "custom-init-throws 1.0.0: Init failed: InvalidOperationException: upstream refused the connection" },
        { "init-hangs", "custom-init-hangs 1.0.0: Init did not finish within 0.5 s" },
        { "wrong-contract", "custom-wrong-contract: Fixture.Plugin.Faulty.WrongContract does not implement Fixture.Contracts.IGreeter (fixture.greeter/v1), which plugin.yaml declares; it implements Fixture.Contracts.ICalculator" },
        { "not-ready", "custom-not-ready 1.0.0 is not ready: greeting service at 127.0.0.1:1 is unreachable" },
    };

    [Theory]
    [MemberData(nameof(FailureKinds))]
    public async Task A_faulty_plugin_fails_alone_with_an_actionable_reason(string kind, string expected)
    {
        await using var test = new TestHost(o => o.InitTimeout = TimeSpan.FromMilliseconds(500));
        test.Folders.Install("Plugin.Hello");
        test.Folders.Install("Plugin.Faulty", folder: kind, manifest: kind);
        await test.StartAsync();

        var status = test.Greeters.GetStatus($"custom-{kind}");

        Assert.False(status.IsActive);
        Assert.StartsWith(expected, status.Error);
        Assert.False(test.Greeters.Exists($"custom-{kind}"));
        var notActive = Assert.Throws<PluginNotAvailableException>(() => test.Greeters.Get($"custom-{kind}"));
        Assert.Contains(expected, notActive.Message);
        Assert.Equal("Hello, Ada!", test.Greeters.Get("custom-hello").Greet("Ada"));
    }

    [Fact]
    public async Task A_missing_dependency_is_named_with_what_to_do()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Hello");
        var folder = test.Folders.Install("Plugin.TextV1");
        File.Delete(Path.Combine(folder, "Fixture.TextLib.dll"));
        await test.StartAsync();

        var status = test.Greeters.GetStatus("custom-text-one");

        Assert.Equal(PluginPhase.Failed, status.Phase);
        Assert.Contains("custom-text-one: ", status.Error);
        Assert.Contains("Fixture.TextLib", status.Error);
        Assert.Contains("publish the plugin with its dependencies (dotnet publish)", status.Error);
        Assert.Equal("Hello, Ada!", test.Greeters.Get("custom-hello").Greet("Ada"));
    }

    [Fact]
    public async Task A_corrupt_assembly_fails_alone()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Hello");
        var folder = test.Folders.Install("Plugin.TextV2");
        var garbage = new byte[2048];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(folder, "Fixture.Plugin.TextV2.dll"), garbage);
        await test.StartAsync();

        var status = test.Greeters.GetStatus("custom-text-two");

        Assert.Equal(PluginPhase.Failed, status.Phase);
        Assert.StartsWith("custom-text-two: 'Fixture.Plugin.TextV2.dll' is not a valid .NET assembly", status.Error);
        Assert.Contains("rebuild and republish the plugin", status.Error);
        Assert.Equal("Hello, Ada!", test.Greeters.Get("custom-hello").Greet("Ada"));
    }

    [Fact]
    public async Task A_missing_entry_assembly_says_where_to_publish()
    {
        await using var test = new TestHost();
        var folder = test.Folders.Install("Plugin.TextV2");
        File.Delete(Path.Combine(folder, "Fixture.Plugin.TextV2.dll"));
        await test.StartAsync();

        var status = test.Greeters.GetStatus("custom-text-two");

        Assert.Contains("the entry assembly 'Fixture.Plugin.TextV2.dll' is not in", status.Error);
        Assert.Contains("dotnet publish", status.Error);
    }
}
