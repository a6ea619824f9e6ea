using Microsoft.Playwright;

namespace Plugboard.Ui.Tests;

/// <summary>
/// Saves a screenshot per test step under the test results: $PLUGBOARD_UI_SCREENSHOTS, else
/// artifacts/test-results/ui-screenshots/ in the repository (where scripts/test.sh keeps the TRX reports).
/// </summary>
public sealed class Screenshots(string scenario)
{
    private int _step;

    public static string Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable("PLUGBOARD_UI_SCREENSHOTS") is { Length: > 0 } configured)
            {
                return configured;
            }

            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Plugboard.sln")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? Path.GetTempPath(), "artifacts", "test-results", "ui-screenshots");
        }
    }

    public string Folder => Path.Combine(Root, scenario);

    /// <summary>Saves the whole page as NN-step.png and returns the path.</summary>
    public async Task<string> TakeAsync(IPage page, string step)
    {
        _step++;
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{_step:00}-{step}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
