using System.Net;
using Microsoft.Playwright;

namespace Plugboard.Ui.Tests;

/// <summary>
/// One real center per test class, listening on a free 127.0.0.1 port (the browser needs a socket), and one
/// Chromium for the class's pages.
/// </summary>
public class UiCenter : IAsyncLifetime
{
    public UiCenter()
        : this(null)
    {
    }

    /// <param name="settings">Center settings besides the test defaults.</param>
    protected UiCenter(Dictionary<string, string?>? settings) => Center = new TestCenter(settings);

    public TestCenter Center { get; }

    public Browser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public TempFolder Work { get; } = new("ui");

    public virtual async Task InitializeAsync()
    {
        var port = FreePort.Next();
        Center.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        Center.StartServer();
        BaseUrl = $"http://127.0.0.1:{port}";
        Browser = await Browser.LaunchAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Center.DisposeAsync();
        Work.Dispose();
    }

    public Task<IPage> NewPageAsync(int width = 1280, string locale = "en-US") => Browser.NewPageAsync(BaseUrl, width, locale);

    /// <summary>Opens the UI and signs in with <paramref name="token"/>.</summary>
    public async Task<IPage> SignedInAsync(string token, int width = 1280, string locale = "en-US")
    {
        var page = await NewPageAsync(width, locale);
        await page.GotoAsync("/");
        await page.GetByLabel("API token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#nav")).ToBeVisibleAsync();
        return page;
    }
}
