using Microsoft.Playwright;
using NetLearn.Plotting.Profiling;

namespace NetLearn.Plotting.Tests;

/// <summary>
/// Opens the profiling report in a real browser: Debian's headless Chromium driven by Playwright (no browser download;
/// .ci/run installs the <c>chromium</c> package). Every image must load and the console must stay free of errors.
/// </summary>
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Report_opens_in_headless_chromium_with_every_image_loaded_and_no_console_error()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does.");
        var profile = DataProfiler.Profile(TestData.Mixed(3000), new ProfileOptions { Target = "label" });
        string report = ProfileReport.Write(profile, Images.PathFor("report-browser"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        page.RequestFailed += (_, request) => errors.Add($"request failed: {request.Url}");

        await page.GotoAsync(new Uri(report).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var widths = await page.EvaluateAsync<int[]>("() => Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)");
        Assert.True(widths.Length >= 10, $"the report shows only {widths.Length} images");
        Assert.All(widths, w => Assert.True(w > 0, "an image did not load"));
        string title = await page.TitleAsync();
        Assert.Contains("Profile of", title, StringComparison.Ordinal);
        Assert.Equal("Overview", await page.InnerTextAsync("#overview h2"));

        string screenshot = Images.PathFor("report-screenshot.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = false });
        Images.AssertPng(screenshot, 1400, 1000);
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
    }
}
