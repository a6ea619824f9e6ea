using Microsoft.Playwright;

namespace Plugboard.Ui.Tests;

/// <summary>
/// Debian's headless Chromium driven by Playwright: never a downloaded browser (ExecutablePath is the system one,
/// and PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set before the driver starts).
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly TempFolder _profile = new("chromium");

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Instance = browser;
    }

    public IPlaywright Playwright { get; }

    public IBrowser Instance { get; }

    /// <summary>The Chromium binary: PLUGBOARD_CHROMIUM, else Debian's /usr/bin/chromium.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("PLUGBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<Browser> LaunchAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_BROWSERS_PATH", "0");
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"No Chromium at {ExecutablePath}: install Debian's chromium (apt-get install chromium; scripts/test.sh does) or set PLUGBOARD_CHROMIUM.");
        }

        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
        Assertions.SetDefaultExpectTimeout(30_000);
        return new Browser(playwright, browser);
    }

    /// <summary>A fresh context (own storage) at <paramref name="width"/> px, in <paramref name="locale"/>.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl, int width = 1280, string locale = "en-US")
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = width < 600 ? 844 : 900 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        Playwright.Dispose();
        _profile.Dispose();
    }
}
