using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Plugboard.Ui.Tests;

/// <summary>
/// A center that already holds a synced source and an Active installation: what a viewer sees, what a zh-CN
/// browser sees, and axe-core's verdict on each main page at desktop and phone widths.
/// </summary>
public sealed class ReadOnlyAndLanguageTests(ReadOnlyAndLanguageTests.Filled ui) : IClassFixture<ReadOnlyAndLanguageTests.Filled>
{
    /// <summary>The shared center, filled through the API: source "team" synced, custom-hello 1.0.0 installed and Active.</summary>
    public sealed class Filled : IAsyncLifetime
    {
        public UiCenter Ui { get; } = new();

        public string InstallationId { get; private set; } = "";

        public string ViewerToken { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await Ui.InitializeAsync();
            var folder = Ui.Work.Combine("team-source");
            await UiPackages.FillSourceAsync(folder);
            using var admin = Ui.Center.Admin();
            (await admin.PostAsJsonAsync("/api/v1/sources", new { name = "team", type = "fs", path = folder })).EnsureSuccessStatusCode();
            (await admin.PostAsync("/api/v1/sources/team/sync", null)).EnsureSuccessStatusCode();
            var installed = await Ui.Center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { greeting = "Hi", apiKey = "viewer-must-not-see" } });
            InstallationId = (string)installed["id"]!;
            await Ui.Center.WaitForPhaseAsync(InstallationId, "Active");
            ViewerToken = await Ui.Center.ViewerTokenAsync();
        }

        public Task DisposeAsync() => Ui.DisposeAsync();
    }

    [Fact]
    public async Task AViewerSeesNoEnabledWriteControlOnAnyPage()
    {
        var shots = new Screenshots("viewer");
        var page = await ui.Ui.SignedInAsync(ui.ViewerToken);
        await Expect(page.Locator("#who")).ToContainTextAsync("viewer · read-only");
        await Expect(page.Locator("#nav-tokens")).ToBeHiddenAsync();
        foreach (var (hash, ready) in new[]
        {
            ("#/installations", $"tr[data-installation='{ui.InstallationId}']"),
            ($"#/installations/{ui.InstallationId}", "#phase [data-phase='Active']"),
            ("#/catalog", "li[data-plugin='custom-hello']"),
            ("#/plugins/custom-hello", "tr[data-version='1.0.0']"),
            ("#/sources", "tr[data-source='team']"),
            ("#/tokens", "p.notice"),
        })
        {
            await page.GotoAsync("/" + hash);
            await Expect(page.Locator(ready)).ToBeVisibleAsync();
            var writes = page.Locator("[data-write]");
            Assert.Equal(0, await page.Locator("[data-write]:enabled").CountAsync());
            if (hash is not ("#/installations" or "#/catalog" or "#/tokens"))
            {
                Assert.True(await writes.CountAsync() > 0, $"{hash} shows its write controls (disabled) to a viewer");
                await Expect(writes.First).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("viewer role"));
            }

            await shots.TakeAsync(page, hash.Trim('#', '/').Replace('/', '-'));
        }

        Assert.DoesNotContain("viewer-must-not-see", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChineseBrowserShowsTheChineseDisplayNamesAndFallsBackToEnglish()
    {
        var shots = new Screenshots("zh-CN");
        var page = await ui.Ui.SignedInAsync(TestCenter.AdminToken, locale: "zh-CN");
        Assert.Equal("zh-CN", await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await page.GotoAsync("/#/catalog");
        await Expect(page.Locator("li[data-plugin='custom-hello'] h2")).ToHaveTextAsync("问候插件");
        await Expect(page.Locator("li[data-plugin='custom-hello']")).ToContainTextAsync("按名字向人们问好。");
        await Expect(page.Locator("li[data-plugin='custom-other'] h2")).ToHaveTextAsync("Other greeter");
        await shots.TakeAsync(page, "catalog");

        await page.GotoAsync("/#/plugins/custom-hello");
        await Expect(page.Locator("h1")).ToHaveTextAsync("问候插件");
        await page.GetByRole(AriaRole.Button, new() { Name = "Install (custom-hello 1.1.0)" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await Expect(dialog.Locator("[data-field='greeting'] label")).ToContainTextAsync("问候语");
        await Expect(dialog.Locator("[data-field='apiKey'] label")).ToContainTextAsync("接口密钥");
        await Expect(dialog.Locator("[data-field='retryEvery'] label")).ToContainTextAsync("Retry every");
        await shots.TakeAsync(page, "install-form");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // The configure form comes from GET /installations/{id}/form?lang=zh-CN, resolved by the center.
        await page.GotoAsync($"/#/installations/{ui.InstallationId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Configure" }).ClickAsync();
        await Expect(page.Locator("dialog[open] [data-field='greeting'] label")).ToContainTextAsync("问候语");
        await shots.TakeAsync(page, "configure-form");
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task EveryMainPageHasNoSeriousOrCriticalAccessibilityViolation(int width)
    {
        var shots = new Screenshots($"axe-{width}");
        var page = await ui.Ui.NewPageAsync(width);
        await page.GotoAsync("/");
        await Expect(page.GetByLabel("API token")).ToBeVisibleAsync();
        await CheckAsync(page, "sign-in", shots);
        await page.GetByLabel("API token").FillAsync(TestCenter.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        foreach (var (hash, ready) in new[]
        {
            ("#/installations", $"tr[data-installation='{ui.InstallationId}']"),
            ($"#/installations/{ui.InstallationId}", "#phase [data-phase='Active']"),
            ("#/catalog", "li[data-plugin='custom-hello']"),
            ("#/plugins/custom-hello", "tr[data-version='1.0.0']"),
            ("#/sources", "tr[data-source='team']"),
            ("#/sources/team", "details[data-run]"),
            ("#/tokens", "tr[data-token]"),
        })
        {
            await page.GotoAsync("/" + hash);
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            await CheckAsync(page, hash.Trim('#', '/').Replace('/', '-'), shots);
        }

        await page.GotoAsync("/#/plugins/custom-hello");
        await page.GetByRole(AriaRole.Button, new() { Name = "Install (custom-hello 1.1.0)" }).ClickAsync();
        await Expect(page.Locator("dialog[open]")).ToBeVisibleAsync();
        await CheckAsync(page, "install-dialog", shots);
    }

    private static async Task CheckAsync(IPage page, string name, Screenshots shots)
    {
        await shots.TakeAsync(page, name);
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{name}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }
}
