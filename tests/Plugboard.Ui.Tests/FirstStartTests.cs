using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Plugboard.Ui.Tests;

/// <summary>
/// A center as <c>scripts/center.sh</c> starts it: a demo source given at start (<c>--demo-source</c>, here
/// <c>Plugboard:DemoSource</c>) that the center adds and syncs by itself.
/// </summary>
public sealed class FirstStartCenter : UiCenter
{
    private static readonly string DemoFolder = Path.Combine(Path.GetTempPath(), $"pb-ui-demo-{Guid.NewGuid():N}");

    public FirstStartCenter()
        : base(new() { ["Plugboard:DemoSource"] = DemoFolder })
    {
    }

    public override async Task InitializeAsync()
    {
        await UiPackages.FillSourceAsync(DemoFolder);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(DemoFolder, recursive: true);
    }
}

/// <summary>
/// The README's first command as a new user meets it: open the printed address, sign in with the admin token, find the
/// demo plugins already synced, install one through its generated form and see it Active.
/// </summary>
public sealed class FirstStartTests(FirstStartCenter ui) : IClassFixture<FirstStartCenter>
{
    [Fact]
    public async Task A_new_user_signs_in_finds_the_demo_plugins_installs_one_through_its_form_and_sees_it_Active()
    {
        var shots = new Screenshots("first-start");
        var page = await ui.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#token-hint")).ToContainTextAsync("printed at the center's first start");
        await page.GetByLabel("API token").FillAsync(TestCenter.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Nothing installed yet: the page says where to go.
        await Expect(page.Locator("main .empty")).ToContainTextAsync("Nothing is installed yet");
        await shots.TakeAsync(page, "nothing-installed-yet");

        // The demo source was added and synced at start, by the center itself.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sources", Exact = true }).ClickAsync();
        var demo = page.Locator("tr[data-source='demo']");
        await Expect(demo.Locator("td.outcome")).ToContainTextAsync("Ok");
        await shots.TakeAsync(page, "demo-source-synced");

        // Install a demo plugin through the form generated from its schema.
        await page.GetByRole(AriaRole.Link, new() { Name = "Catalog", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Hello greeter" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Install (custom-hello 1.1.0)" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await Expect(dialog.GetByLabel("Greeting")).ToHaveValueAsync("Hello");
        await dialog.GetByLabel("API key").FillAsync("first-start-key");
        await shots.TakeAsync(page, "install-form");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Install" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/installations/inst_"));
        await Expect(page.Locator("#phase [data-phase]")).ToHaveTextAsync("Active");
        await shots.TakeAsync(page, "active");
    }
}
