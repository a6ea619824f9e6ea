using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Plugboard.Ui.Tests;

/// <summary>
/// An admin's whole path through the UI in a real Chromium against a real center, one step after another as a
/// user takes them: sign in, add an fs source and sync it, find the plugin, install it through the form generated
/// from its schema, watch it become Active, configure it, meet the upgrade rules, uninstall.
/// </summary>
public sealed class AdminJourneyTests(UiCenter ui) : IClassFixture<UiCenter>
{
    private readonly Screenshots _shots = new("admin-journey");

    [Fact]
    public async Task AnAdminInstallsAPluginThroughItsGeneratedFormAndSeesItActiveWithoutAReload()
    {
        var source = ui.Work.Combine("team-source");
        await UiPackages.FillSourceAsync(source);
        var page = await ui.NewPageAsync();

        // Sign in with the admin token.
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the plugin center" })).ToBeVisibleAsync();
        await _shots.TakeAsync(page, "sign-in");
        await page.GetByLabel("API token").FillAsync("pbt_not-a-token-anyone-knows");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#token-error")).ToContainTextAsync("does not know this token");
        await page.GetByLabel("API token").FillAsync(TestCenter.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#who")).ToContainTextAsync("admin");
        await Expect(page.Locator("#stream")).ToContainTextAsync("live");
        await _shots.TakeAsync(page, "signed-in");

        // Add an fs source and sync it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sources", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await dialog.GetByLabel("Name").FillAsync("team");
        await dialog.GetByLabel("Type").SelectOptionAsync("fs");
        await dialog.GetByLabel("Folder path").FillAsync(source);
        await _shots.TakeAsync(page, "add-source");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        var row = page.Locator("tr[data-source='team']");
        await Expect(row).ToContainTextAsync("never synced");
        await row.GetByRole(AriaRole.Button, new() { Name = "Sync now (team)" }).ClickAsync();
        await Expect(row.Locator("td.outcome")).ToContainTextAsync("Ok 2 added");
        await _shots.TakeAsync(page, "source-synced");
        await row.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await page.Locator("details[data-run] summary").First.ClickAsync();
        await Expect(page.Locator("details[data-run] tbody tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("details[data-run] tbody")).ToContainTextAsync("custom-hello");
        await _shots.TakeAsync(page, "sync-history");

        // Find the plugin by search.
        await page.GetByRole(AriaRole.Link, new() { Name = "Catalog", Exact = true }).ClickAsync();
        await Expect(page.Locator("li[data-plugin]")).ToHaveCountAsync(2);
        await page.GetByLabel("Search").FillAsync("greets people");
        await Expect(page.Locator("li[data-plugin]")).ToHaveCountAsync(1);
        await Expect(page.Locator("li[data-plugin='custom-hello']")).ToContainTextAsync("Hello greeter");
        await _shots.TakeAsync(page, "catalog-search");
        await page.GetByRole(AriaRole.Link, new() { Name = "Hello greeter" }).ClickAsync();
        await Expect(page.Locator("tr[data-version]")).ToHaveCountAsync(3);
        await _shots.TakeAsync(page, "plugin-versions");

        // The install form is generated from the version's schema.
        await page.GetByRole(AriaRole.Button, new() { Name = "Install (custom-hello 1.0.0)" }).ClickAsync();
        dialog = page.Locator("dialog[open]");
        var schema = (await ui.Center.GetAsync("/api/v1/plugins/custom-hello"))["versions"]!.AsArray()
            .Single(v => (string?)v!["version"] == "1.0.0")!["configSchema"]!.AsObject();
        await CheckFormAgainstSchemaAsync(dialog, schema);
        await _shots.TakeAsync(page, "install-form");

        // A value the browser checks is refused beside its field before anything is sent.
        await dialog.GetByLabel("API key").FillAsync("short");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Install" }).ClickAsync();
        await Expect(Field(dialog, "apiKey").Locator(".field-error")).ToContainTextAsync("at least 8 characters");
        Assert.Empty(await InstallationsAsync());

        // A value only the center checks (an ISO 8601 duration): the center's error appears beside that field.
        await dialog.GetByLabel("API key").FillAsync("s3cret-key-123");
        await dialog.GetByLabel("Retry every").FillAsync("every now and then");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Install" }).ClickAsync();
        await Expect(Field(dialog, "retryEvery").Locator(".field-error")).ToContainTextAsync("duration");
        await Expect(dialog.GetByLabel("Retry every")).ToHaveAttributeAsync("aria-invalid", "true");
        await _shots.TakeAsync(page, "server-error-beside-field");
        Assert.Empty(await InstallationsAsync());

        // Valid values: the installation page follows it to Active with no reload.
        await page.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");
        await dialog.GetByLabel("Retry every").FillAsync("PT1M");
        await dialog.GetByLabel("Greeting").FillAsync("Howdy");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Install" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/installations/inst_"));
        await Expect(page.Locator("#phase [data-phase]")).ToHaveTextAsync("Active");
        await Expect(page.Locator("section:has(h2:text('Init metadata'))")).ToContainTextAsync("Howdy");
        await Expect(page.Locator("section:has(h2:text('Last Verify'))")).ToContainTextAsync("ready");
        await Expect(page.Locator("ol.timeline")).ToContainTextAsync("admin");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));
        await _shots.TakeAsync(page, "installation-active");
        var id = (string)(await InstallationsAsync()).Single()!["id"]!;
        Assert.DoesNotContain("s3cret-key-123", await page.ContentAsync(), StringComparison.Ordinal);

        // Change its configuration with the same form; the secret is kept without being shown.
        await page.GetByRole(AriaRole.Button, new() { Name = "Configure" }).ClickAsync();
        dialog = page.Locator("dialog[open]");
        await Expect(dialog.GetByLabel("Greeting")).ToHaveValueAsync("Howdy");
        await Expect(dialog.GetByLabel("API key")).ToHaveValueAsync("");
        await Expect(dialog.GetByLabel("API key")).ToHaveAttributeAsync("placeholder", "set — leave empty to keep it");
        await dialog.GetByLabel("Greeting").FillAsync("Hola");
        await _shots.TakeAsync(page, "configure-form");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save configuration" }).ClickAsync();
        await Expect(page.Locator("section:has(h2:text('Init metadata'))")).ToContainTextAsync("Hola");
        await Expect(page.Locator("#phase [data-phase]")).ToHaveTextAsync("Active");
        var configured = await ui.Center.GetAsync($"/api/v1/installations/{id}");
        Assert.Equal("Hola", (string?)configured["config"]!["greeting"]);
        Assert.True((bool)configured["secrets"]!["$.apiKey"]!);
        await _shots.TakeAsync(page, "configured");

        // An upgrade the rules refuse is offered disabled with the center's reason; one they allow goes through.
        var target = page.GetByLabel("Move to");
        await Expect(target.Locator("option[value='2.0.0']")).ToBeDisabledAsync();
        await Expect(target.Locator("option[value='2.0.0']")).ToContainTextAsync("supports upgrades from >=1.1.0 only, not from 1.0.0");
        await Expect(page.Locator("ul.refused")).ToContainTextAsync("2.0.0");
        await _shots.TakeAsync(page, "upgrade-refused");
        await target.SelectOptionAsync("1.1.0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upgrade" }).ClickAsync();
        await Expect(page.Locator("section:has(h2:text('Installation')) dl")).ToContainTextAsync("Version running1.1.0");
        await Expect(page.Locator("#phase [data-phase]")).ToHaveTextAsync("Active");
        await Expect(target.Locator("option[value='2.0.0']")).ToBeEnabledAsync();
        await _shots.TakeAsync(page, "upgraded");

        // Uninstall; the page says so when the controller has released it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Uninstall" }).ClickAsync();
        await page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Uninstall" }).ClickAsync();
        await Expect(page.GetByText("This installation was uninstalled.")).ToBeVisibleAsync();
        Assert.Empty(await InstallationsAsync());
        await _shots.TakeAsync(page, "uninstalled");

        // Sign out: the token is gone from the tab.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API token")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('plugboard.token')"));
        Assert.Empty(await page.Context.CookiesAsync());
    }

    private static ILocator Field(ILocator form, string name) => form.Locator($"[data-field='{name}']");

    private async Task<JsonArray> InstallationsAsync()
    {
        using var admin = ui.Center.Admin();
        return await TestCenter.JsonArray(await admin.GetAsync("/api/v1/installations"));
    }

    // Each property of the schema has the control its type and hints call for, in x-order, with its limits.
    private static async Task CheckFormAgainstSchemaAsync(ILocator dialog, JsonObject schema)
    {
        var properties = schema["properties"]!.AsObject();
        var required = schema["required"]!.AsArray().Select(r => (string)r!).ToHashSet();
        var expectedOrder = properties.OrderBy(p => (int?)p.Value!["x-order"] ?? int.MaxValue).Select(p => p.Key).ToList();
        Assert.Equal(expectedOrder.ToArray(), await dialog.Locator(".config-form [data-field]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.field)"));
        foreach (var (name, node) in properties)
        {
            var field = Field(dialog, name);
            var type = (string)node!["type"]!;
            var control = field.Locator("input, select, textarea").First;
            var title = node["x-title"]?["en"] is { } t ? (string)t! : name;
            await Expect(field.Locator("label").First).ToContainTextAsync(title);
            if (node["writeOnly"] is not null)
            {
                await Expect(control).ToHaveAttributeAsync("type", "password");
                await Expect(control).ToHaveValueAsync("");
            }
            else if (node["enum"] is JsonArray options)
            {
                Assert.Equal("SELECT", await control.EvaluateAsync<string>("e => e.tagName"));
                var shown = await control.Locator("option").EvaluateAllAsync<string[]>("os => os.filter(o => o.value !== '').map(o => o.textContent)");
                Assert.Equal(options.Select(o => (string)o!).ToArray(), shown);
            }
            else
            {
                switch (type)
                {
                    case "boolean":
                        await Expect(control).ToHaveAttributeAsync("role", "switch");
                        break;
                    case "integer":
                        await Expect(control).ToHaveAttributeAsync("type", "number");
                        await Expect(control).ToHaveAttributeAsync("step", "1");
                        break;
                    case "number":
                        await Expect(control).ToHaveAttributeAsync("type", "number");
                        await Expect(control).ToHaveAttributeAsync("step", "any");
                        break;
                    case "array":
                        Assert.Equal("TEXTAREA", await control.EvaluateAsync<string>("e => e.tagName"));
                        break;
                    default:
                        await Expect(control).ToHaveAttributeAsync("type", "text");
                        break;
                }
            }

            if (node["minimum"] is { } min)
            {
                await Expect(control).ToHaveAttributeAsync("min", min.ToString());
            }

            if (node["maximum"] is { } max)
            {
                await Expect(control).ToHaveAttributeAsync("max", max.ToString());
            }

            if (node["minLength"] is { } minLength)
            {
                await Expect(control).ToHaveAttributeAsync("minlength", minLength.ToString());
            }

            if (required.Contains(name))
            {
                await Expect(field.Locator("label").First).ToContainTextAsync("(required)");
                await Expect(control).ToHaveAttributeAsync("required", "");
            }
            else
            {
                await Expect(field.Locator("label").First).Not.ToContainTextAsync("(required)");
            }

            if (node["default"] is { } value)
            {
                if (type == "boolean")
                {
                    await (value.GetValue<bool>() ? Expect(control).ToBeCheckedAsync() : Expect(control).Not.ToBeCheckedAsync());
                }
                else if (node["enum"] is not null)
                {
                    Assert.Equal(value.ToJsonString(), await control.InputValueAsync());
                }
                else
                {
                    await Expect(control).ToHaveValueAsync(value.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)value! : value.ToJsonString());
                }
            }
        }
    }
}
