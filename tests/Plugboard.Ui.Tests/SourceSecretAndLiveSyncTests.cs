using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Plugboard.Ui.Tests;

/// <summary>
/// What the admin journey does not cover about sources: a source with a secret (a password field, never shown again)
/// and a sync followed live package by package, against a real http feed that requires the token and holds one
/// package until the test lets it go.
/// </summary>
public sealed class SourceSecretAndLiveSyncTests(UiCenter ui) : IClassFixture<UiCenter>
{
    private const string Token = "feed-secret-4b8e2d71c9";

    [Fact]
    public async Task A_source_secret_is_a_password_never_shown_again_and_its_sync_shows_each_package_as_it_happens()
    {
        var shots = new Screenshots("source-secret-and-live-sync");
        await using var feed = await FeedServer.StartAsync(ui.Work.Combine("feed"), certificate: null);
        try
        {
            var packs = ui.Work.Combine("feed-packs");
            Directory.CreateDirectory(packs);
            await feed.PublishAsync(
            [
                ("custom-hello", "1.0.0", await FixturePackages.PackAsync("Plugin.Hello", UiPackages.HelloYaml("1.0.0"), packs)),
                ("custom-hello", "1.1.0", await FixturePackages.PackAsync("Plugin.Hello", UiPackages.HelloYaml("1.1.0"), packs)),
            ]);
            feed.RequiredToken = Token;
            feed.HoldPackage = "/packages/custom-hello-1.1.0.pbpkg";
            var page = await ui.SignedInAsync(TestCenter.AdminToken);

            // Add an http source with its token: the field is a password field.
            await page.GetByRole(AriaRole.Link, new() { Name = "Sources", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
            var dialog = page.Locator("dialog[open]");
            await dialog.GetByLabel("Name").FillAsync("feed");

            // The s3 form: bucket, prefix, region, endpoint, path-style, and both keys as password fields.
            await dialog.GetByLabel("Type").SelectOptionAsync("s3");
            foreach (var label in new[] { "Bucket", "Key prefix", "Region", "Endpoint" })
            {
                await Expect(dialog.GetByLabel(label, new() { Exact = true })).ToBeVisibleAsync();
            }

            await Expect(dialog.GetByLabel("Path-style addressing")).ToBeVisibleAsync();

            await Expect(dialog.GetByLabel("Access key id")).ToHaveAttributeAsync("type", "password");
            await Expect(dialog.GetByLabel("Secret access key")).ToHaveAttributeAsync("type", "password");
            await Expect(dialog.GetByLabel("Access token")).ToBeHiddenAsync();
            await shots.TakeAsync(page, "s3-source-form");

            await dialog.GetByLabel("Type").SelectOptionAsync("http");
            await Expect(dialog.GetByLabel("Bucket", new() { Exact = true })).ToBeHiddenAsync();
            await dialog.GetByLabel("URL").FillAsync(feed.BaseUrl + "/index.json");
            var token = dialog.GetByLabel("Access token");
            await Expect(token).ToHaveAttributeAsync("type", "password");
            await Expect(dialog.Locator("#source-secret-token-hint")).ToHaveTextAsync("Not set.");
            await token.FillAsync(Token);
            await dialog.GetByLabel("Allow an insecure transport").CheckAsync();
            await shots.TakeAsync(page, "add-source-with-token");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
            await page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Allow insecure" }).ClickAsync();
            var row = page.Locator("tr[data-source='feed']");
            await Expect(row).ToContainTextAsync("credentials set (Access token)");
            await shots.TakeAsync(page, "source-with-credentials-set");

            // Never shown again: not in the page, not in the edit form (which says it is set).
            Assert.DoesNotContain(Token, await page.ContentAsync(), StringComparison.Ordinal);
            await row.GetByRole(AriaRole.Button, new() { Name = "Edit (feed)" }).ClickAsync();
            dialog = page.Locator("dialog[open]");
            await Expect(dialog.GetByLabel("Access token")).ToHaveValueAsync("");
            await Expect(dialog.GetByLabel("Access token")).ToHaveAttributeAsync("type", "password");
            await Expect(dialog.Locator("#source-secret-token-hint")).ToContainTextAsync("Set — leave empty to keep it");
            Assert.DoesNotContain(Token, await page.ContentAsync(), StringComparison.Ordinal);
            await shots.TakeAsync(page, "edit-source-token-not-shown");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

            // Sync now: the feed holds 1.1.0, and the page shows the run fetching with 1.0.0 done.
            await row.GetByRole(AriaRole.Button, new() { Name = "Sync now (feed)" }).ClickAsync();
            var live = page.Locator("#sync-live");
            await Expect(live.Locator("[data-status]")).ToHaveTextAsync("Running");
            await Expect(live).ToContainTextAsync("fetching and verifying packages");
            await Expect(live.Locator("tr[data-package*='custom-hello-1.0.0']")).ToContainTextAsync("fetched");
            await Expect(row.Locator("td.outcome")).ToContainTextAsync("Running");
            await shots.TakeAsync(page, "sync-running");

            feed.Release();
            await Expect(live.Locator("[data-status]")).ToHaveTextAsync("Ok");
            await Expect(live.Locator("tr[data-package='custom-hello']")).ToHaveCountAsync(2);
            await Expect(live.Locator("tbody")).ToContainTextAsync("added");
            await Expect(row.Locator("td.outcome")).ToContainTextAsync("Ok 1 added");
            Assert.Equal(0, feed.Refused);
            await shots.TakeAsync(page, "sync-done");
        }
        finally
        {
            feed.Release();
        }
    }
}
