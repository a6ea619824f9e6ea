using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Plugboard.Ui.Tests;

/// <summary>An uninstall the center refuses because another installation depends on it: the dialog names the dependent and leads to it.</summary>
public sealed class RefusedUninstallTests(UiCenter ui) : IClassFixture<UiCenter>
{
    [Fact]
    public async Task An_uninstall_another_installation_depends_on_is_refused_in_a_dialog_naming_the_dependent()
    {
        var shots = new Screenshots("refused-uninstall");
        var packs = ui.Work.Combine("dependents");
        Directory.CreateDirectory(packs);
        await ui.Center.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.0.0"), packs));
        await ui.Center.UploadAsync(await FixturePackages.PackAsync("Plugin.Reload.V1", FixturePackages.ReloadYaml("^1.0"), packs));
        var hello = (string)(await ui.Center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = "a-long-enough-key" } }))["id"]!;
        var dependent = (string)(await ui.Center.InstallAsync(new { plugin = "custom-reload", upgradeMode = "auto" }))["id"]!;
        await ui.Center.WaitForPhaseAsync(hello, "Active");
        await ui.Center.WaitForPhaseAsync(dependent, "Active");

        var page = await ui.SignedInAsync(TestCenter.AdminToken);
        await page.GotoAsync($"/#/installations/{hello}");
        await Expect(page.Locator("#phase [data-phase]")).ToHaveTextAsync("Active");
        await page.GetByRole(AriaRole.Button, new() { Name = "Uninstall" }).ClickAsync();
        await page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Uninstall" }).ClickAsync();
        var refusal = page.Locator("dialog[open]");
        await Expect(refusal.GetByRole(AriaRole.Heading)).ToHaveTextAsync("custom-hello cannot be uninstalled");
        await Expect(refusal).ToContainTextAsync("custom-reload");
        await Expect(refusal.GetByRole(AriaRole.Link, new() { Name = dependent })).ToBeVisibleAsync();
        await shots.TakeAsync(page, "uninstall-refused");

        // The link leads to the dependent; the dependency is still there and Active.
        await refusal.GetByRole(AriaRole.Link, new() { Name = dependent }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/installations/{dependent}$"));
        await Expect(page.Locator("h1")).ToContainTextAsync("custom-reload");
        Assert.Equal("Active", (string?)(await ui.Center.GetAsync($"/api/v1/installations/{hello}"))["phase"]);
        await shots.TakeAsync(page, "dependent-installation");
    }
}
