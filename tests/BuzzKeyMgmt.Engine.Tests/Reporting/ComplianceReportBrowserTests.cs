using BuzzKeyMgmt.Engine.Reporting;
using BuzzKeyMgmt.Engine.Tests.Audit;
using Xunit.Abstractions;

namespace BuzzKeyMgmt.Engine.Tests.Reporting;

/// <summary>
/// Opens the report in headless Chromium (offline: see <see cref="Chromium"/>): the DOM it builds shows the counts, the
/// filter script initialised without error, a #filter= fragment filters the rows, and a screenshot is left in the
/// repository's out/reports folder as a CI artifact.
/// </summary>
public class ComplianceReportBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    // Loading and serialising 6.8 MB takes seconds on a free machine but over a minute on a busy 2-CPU runner: this test
    // proves the page works at fleet size, it does not time it.
    private static readonly TimeSpan FleetTimeout = TimeSpan.FromMinutes(10);

    [ChromiumFact]
    public async Task Browser_shows_the_counts_and_runs_the_filter_script()
    {
        using var dir = new TempDirectory();
        var file = ComplianceReportWriter.WriteHtmlFile(ReportSamples.Mixed(), dir.File("report.html"));

        var dom = await DumpDom(new Uri(file).AbsoluteUri);

        Assert.Equal(ReportSamples.MixedKeysCount, HtmlProbe.IntOf(dom, "count-keys"));
        Assert.Equal(ReportSamples.MixedPass, HtmlProbe.IntOf(dom, "count-pass"));
        Assert.Equal(ReportSamples.MixedFail, HtmlProbe.IntOf(dom, "count-fail"));
        Assert.Equal(ReportSamples.MixedNotApplicable, HtmlProbe.IntOf(dom, "count-na"));
        var body = HtmlProbe.Tags(dom).Single(t => t.Name == "body");
        Assert.Equal("true", body["data-ready"]); // set as the script's last statement: it ran to the end
        Assert.False(HtmlProbe.ById(dom, "filterbar").Has("hidden"));
        Assert.Equal("8 of 8 keys shown", HtmlProbe.TextOf(dom, "shown"));
        Assert.Equal("true", HtmlProbe.ById(dom, "chain-status")["data-valid"]);
        // The hostile values are still text in the browser's DOM: no element came from them.
        Assert.DoesNotContain(HtmlProbe.Tags(dom), t => t.Name is "img" || (t.Name == "script" && t.Index > dom.IndexOf("<body", StringComparison.Ordinal) && t.Index < dom.IndexOf("<footer", StringComparison.Ordinal)));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom);
    }

    [ChromiumFact]
    public async Task Filter_from_the_fragment_hides_the_other_rows()
    {
        using var dir = new TempDirectory();
        var file = ComplianceReportWriter.WriteHtmlFile(ReportSamples.Mixed(), dir.File("report.html"));

        var dom = await DumpDom(new Uri(file).AbsoluteUri + "#filter=fail%20rsa_2048");

        var rows = HtmlProbe.Rows(dom, "findings");
        Assert.Equal(ReportSamples.MixedKeysCount, rows.Count);
        var shown = Assert.Single(rows, r => !r.Has("hidden"));
        Assert.Equal("KeySize", shown["data-check"]);
        Assert.Equal("1 of 8 keys shown", HtmlProbe.TextOf(dom, "shown"));
    }

    [ChromiumFact]
    public async Task Content_security_policy_blocks_a_fetch_in_the_browser()
    {
        // The writer encodes everything, so splice an external image and script in by hand: the meta tag must stop both.
        using var dir = new TempDirectory();
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed()).Replace("</footer>",
            "</footer><img id=\"probe\" src=\"https://example.invalid/probe.png\"><script src=\"https://example.invalid/probe.js\"></script>",
            StringComparison.Ordinal);
        var file = dir.File("tampered.html");
        await File.WriteAllTextAsync(file, html);

        var run = await Chromium.RunAsync(["--dump-dom", new Uri(file).AbsoluteUri], Timeout);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.ConsoleMessages, m => m.Contains("example.invalid/probe.png", StringComparison.Ordinal) && m.Contains("Content Security Policy", StringComparison.Ordinal));
        Assert.Contains(run.ConsoleMessages, m => m.Contains("example.invalid/probe.js", StringComparison.Ordinal) && m.Contains("Content Security Policy", StringComparison.Ordinal));
        Assert.Equal("true", HtmlProbe.Tags(run.StandardOutput).Single(t => t.Name == "body")["data-ready"]);
    }

    [ChromiumFact]
    public async Task Screenshot_is_left_as_an_artifact()
    {
        var folder = Path.Combine(RepositoryRoot(), "out", "reports");
        Directory.CreateDirectory(folder);
        var html = ComplianceReportWriter.WriteHtmlFile(ReportSamples.Mixed(), Path.Combine(folder, "compliance-report.html"));
        var png = Path.Combine(folder, "compliance-report.png");
        File.Delete(png);

        var run = await Chromium.RunAsync(["--hide-scrollbars", "--screenshot=" + png, "--window-size=1280,2000", new Uri(html).AbsoluteUri], Timeout);

        Assert.True(File.Exists(png), $"no screenshot (exit {run.ExitCode}): {run.StandardError}");
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 10_000, $"screenshot is only {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        output.WriteLine($"screenshot: out/reports/compliance-report.png, {bytes.Length:N0} bytes, in {run.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A fleet-sized report loads with its script running (2,000 keys here, to keep the suite's time; the 10,000-key
    /// file's size is bounded in ComplianceReportWriterTests and its write time measured by bench/rotation-due.ps1).</summary>
    [ChromiumFact]
    public async Task A_fleet_report_loads_in_the_browser()
    {
        using var dir = new TempDirectory();
        var file = ComplianceReportWriter.WriteHtmlFile(ReportSamples.Fleet(2_000), dir.File("fleet.html"));

        var started = DateTime.UtcNow;
        var dom = await DumpDom(new Uri(file).AbsoluteUri, FleetTimeout);
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal("true", HtmlProbe.Tags(dom).Single(t => t.Name == "body")["data-ready"]);
        Assert.Equal("2000 of 2000 keys shown", HtmlProbe.TextOf(dom, "shown"));
        output.WriteLine($"2,000-key report ({new FileInfo(file).Length:N0} bytes) loaded, filter initialised and DOM dumped by Chromium in {elapsed.TotalSeconds:F1} s");
    }

    private async Task<string> DumpDom(string url, TimeSpan? timeout = null)
    {
        var run = await Chromium.RunAsync(["--dump-dom", url], timeout ?? Timeout);
        Assert.True(run.ExitCode == 0, $"Chromium exited {run.ExitCode}: {run.StandardError}");
        Assert.Contains("</html>", run.StandardOutput);
        // A script error or a blocked fetch would be a console message.
        Assert.Empty(run.ConsoleMessages);
        output.WriteLine($"{url}: DOM of {run.StandardOutput.Length:N0} characters in {run.Elapsed.TotalSeconds:F1} s");
        return run.StandardOutput;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BuzzKeyMgmt.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("BuzzKeyMgmt.sln not found above the test assembly.");
    }
}
