using System.Diagnostics;
using System.Net;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Policy;
using BuzzKeyMgmt.Engine.Reporting;
using BuzzKeyMgmt.Engine.Tests.Audit;
using Xunit.Abstractions;

namespace BuzzKeyMgmt.Engine.Tests.Reporting;

public class ComplianceReportWriterTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> AllowedTags =
    [
        "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "dl", "dt", "dd", "time", "nav", "a", "section",
        "p", "div", "span", "table", "thead", "tbody", "tr", "th", "td", "b", "code", "small", "br", "wbr", "svg", "g", "rect", "text",
        "line", "label", "input", "output", "footer", "script",
    ];

    private static readonly HashSet<string> AllowedAttributes =
    [
        "lang", "charset", "http-equiv", "content", "name", "id", "class", "datetime", "href", "title", "hidden", "type",
        "autocomplete", "spellcheck", "placeholder", "viewbox", "width", "height", "role", "aria-labelledby", "x", "y",
        "x1", "x2", "y1", "y2", "data-status", "data-check", "data-valid", "data-state", "data-compliant", "data-bucket",
        "data-count", "data-days", "data-policy-days", "data-value", "data-outcome",
    ];

    [Fact]
    public void Mixed_report_shows_the_summary_counts()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed());

        Assert.Equal(ReportSamples.MixedKeysCount, HtmlProbe.IntOf(html, "count-keys"));
        Assert.Equal(ReportSamples.MixedPass, HtmlProbe.IntOf(html, "count-pass"));
        Assert.Equal(ReportSamples.MixedFail, HtmlProbe.IntOf(html, "count-fail"));
        Assert.Equal(ReportSamples.MixedNotApplicable, HtmlProbe.IntOf(html, "count-na"));
        Assert.Equal("false", HtmlProbe.ById(html, "verdict")["data-compliant"]);
        Assert.Equal("2025-06-30T12:00:00Z", HtmlProbe.ById(html, "generated")["datetime"]);
        Assert.Equal("prod", HtmlProbe.TextOf(html, "environment"));
        Assert.Equal("123456789012", HtmlProbe.TextOf(html, "account"));
        Assert.Equal("eu-west-1", HtmlProbe.TextOf(html, "region"));
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/KeyAuditor/alice", HtmlProbe.TextOf(html, "generated-by"));
    }

    [Fact]
    public void Per_check_counts_carry_their_requirement()
    {
        var report = ReportSamples.Mixed();
        var html = ComplianceReportWriter.ToHtml(report);

        var rows = HtmlProbe.Rows(html, "checks");
        Assert.Equal(ComplianceChecks.PerKey.Count + ComplianceChecks.PerStore.Count, rows.Count);
        foreach (var c in report.Summary.Checks)
        {
            var row = html.IndexOf($"<tr data-check=\"{c.Check}\"", StringComparison.Ordinal);
            Assert.True(row >= 0, c.Check);
            var end = html.IndexOf("</tr>", row, StringComparison.Ordinal);
            var markup = html[row..end];
            Assert.Contains($"<td>{WebUtility.HtmlEncode(c.Requirement)}</td>", markup);
            Assert.Contains($"<td class=\"num\">{c.Pass}</td><td class=\"num\">{c.Fail}</td><td class=\"num\">{c.NotApplicable}</td>", markup);
        }
        Assert.Contains("PCI DSS 4.0.1 3.7.4; NIST SP 800-53 SC-12", html);
    }

    [Fact]
    public void Policy_in_force_is_shown()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed());

        Assert.Equal("90", HtmlProbe.ById(html, "policy-rotation")["data-value"]);
        Assert.Equal("7", HtmlProbe.ById(html, "policy-recovery")["data-value"]);
        Assert.Equal("3072", HtmlProbe.ById(html, "policy-rsa")["data-value"]);
        Assert.Equal("2", HtmlProbe.ById(html, "policy-approvals")["data-value"]);
        Assert.Equal("10", HtmlProbe.ById(html, "policy-mttr")["data-value"]);
        Assert.Contains(WebUtility.HtmlEncode(PolicySettings.Defaults.IncidentIdPattern), html);
    }

    [Fact]
    public void Findings_table_has_a_row_per_key_with_its_worst_status_and_the_checks_behind_it()
    {
        var report = ReportSamples.Mixed();
        var html = ComplianceReportWriter.ToHtml(report);

        var rows = HtmlProbe.Rows(html, "findings");
        Assert.Equal(ReportSamples.MixedKeysCount, rows.Count);
        var failing = rows.Where(r => r["data-status"] == "Fail").ToList();
        Assert.Equal(ReportSamples.MixedFailingKeys, failing.Count);
        Assert.All(rows.Take(failing.Count), r => Assert.Equal("Fail", r["data-status"])); // failing keys first

        // Every failed per-key finding is selectable as tr[data-status=Fail][data-check~=Check].
        foreach (var check in ComplianceChecks.PerKey)
        {
            var expected = report.Findings.Count(f => f.KeyId is not null && f.Check == check && f.Status == ComplianceStatus.Fail);
            Assert.Equal(expected, failing.Count(r => r["data-check"]!.Split(' ').Contains(check)));
        }
        Assert.Contains(failing, r => r["data-check"] == "RotationEnabled RotationRecent");
        Assert.Contains(rows, r => r["data-status"] == "Pass" && r["data-check"] == ComplianceChecks.PendingDeletionExplained);
        Assert.Contains(rows, r => r["data-status"] == "Pass" && r["data-check"] == "RotationEnabled RotationPeriod RotationRecent");

        // The header names a column per check, in the summary's order, each with its requirement.
        var headers = HtmlProbe.Tags(html).Where(t => t.Name == "th" && t.Has("data-check")).ToList();
        Assert.Equal(ComplianceChecks.PerKey, headers.Select(h => h["data-check"]));
        Assert.All(headers, h => Assert.Equal(ComplianceChecks.Requirement(h["data-check"]!), h["title"]));
        Assert.Contains("<td class=\"f\">Fail: RSA_2048 is below the policy minimum of 3072 bits</td>", html);

        var store = HtmlProbe.Rows(html, "store-findings");
        Assert.Equal(3, store.Count);
        Assert.Contains(store, r => r["data-status"] == "Fail" && r["data-check"] == ComplianceChecks.DrillRecent);
    }

    [Fact]
    public void Values_from_KMS_the_audit_log_and_configuration_are_encoded()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed());

        string[] raw = [ReportSamples.ScriptDescription, ReportSamples.QuotedAlias, ReportSamples.ImgTagValue,
            ReportSamples.EmergencyReason, ReportSamples.OperatorName, ReportSamples.ErrorText];
        foreach (var value in raw)
        {
            Assert.DoesNotContain(value, html);
            Assert.Contains(WebUtility.HtmlEncode(value), html);
        }
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("alias/o&#39;brien &quot;billing&quot; &amp; partners", html);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", html);
        Assert.DoesNotContain("<img", html);
        Assert.Equal(1, CountOf(html, "<script"));
        Assert.Equal(1, CountOf(html, "</script"));
    }

    [Fact]
    public void Hostile_values_in_every_field_stay_text_and_never_reach_the_script()
    {
        const string evil = "\"'><script>alert(1)</script><svg onload=alert(2)>&amp;";
        var keys = new List<ReportKey> { new(evil, evil, evil, evil, evil, ReportSamples.At, null, new Dictionary<string, string> { [evil] = evil }) };
        var findings = new List<ComplianceFinding>
        {
            new() { KeyId = evil, Alias = evil, Environment = evil, Check = evil, Status = ComplianceStatus.Fail, Detail = evil, Requirement = evil },
            new() { KeyId = null, Environment = evil, Check = evil, Status = ComplianceStatus.Pass, Detail = evil, Requirement = evil },
        };
        var report = new ComplianceReport
        {
            GeneratedAt = ReportSamples.At,
            Environment = evil,
            AccountId = evil,
            Region = evil,
            GeneratedBy = evil,
            Policy = PolicySettings.Defaults with { IncidentIdPattern = evil, ChangeIdPattern = evil },
            Summary = ComplianceSummary.Of(evil, ReportSamples.At, findings),
            Findings = findings,
            Keys = keys,
            Chain = new ChainVerification { Break = ChainBreak.RowHashMismatch, BrokenSequence = 3, Problem = evil, LastRowHash = evil },
            RecentEmergencyOperations = [new AuditRecord(new AuditEntry
            {
                Operation = evil, KeyId = evil, KeyArn = evil, Alias = evil, IncidentId = evil, Reason = evil, OperatorArn = evil,
                OperatorName = evil, ErrorCode = evil, ErrorMessage = evil, Outcome = AuditOutcome.Failed, Phase = AuditPhase.Completed,
            }, 1, evil, evil)],
        };

        var html = ComplianceReportWriter.ToHtml(report);

        Assert.DoesNotContain(evil, html);
        Assert.Contains(WebUtility.HtmlEncode(evil), html);
        Assert.DoesNotContain("<svg onload", html);
        Assert.Equal(1, CountOf(html, "<script"));
        Assert.Equal(1, CountOf(html, "<svg"));
        // Every start tag and attribute is one the writer means to write: no data became markup.
        foreach (var tag in HtmlProbe.Tags(html))
        {
            Assert.Contains(tag.Name, AllowedTags);
            Assert.All(tag.Attributes, a => Assert.Contains(a.Name, AllowedAttributes));
        }
        // The hostile check name is an attribute value and a column header, decoded back to itself.
        Assert.Contains(HtmlProbe.Tags(html), t => t.Name == "th" && t["data-check"] == evil);
        Assert.Contains(HtmlProbe.Tags(html), t => t.Name == "tr" && t["data-check"] == evil && t["data-status"] == "Fail");
        // The script is the constant, whatever the data.
        Assert.Equal(ReportAssets.Script, HtmlProbe.ScriptOf(html));
        Assert.Equal(ReportAssets.Script, HtmlProbe.ScriptOf(ComplianceReportWriter.ToHtml(ReportSamples.Mixed())));
    }

    [Fact]
    public void Nothing_points_outside_the_document()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed());

        foreach (var tag in HtmlProbe.Tags(html))
        {
            Assert.False(tag.Has("src"), $"<{tag.Name}> has a src attribute");
            Assert.False(tag.Has("srcset") || tag.Has("xlink:href") || tag.Has("action") || tag.Has("formaction"), $"<{tag.Name}> loads something");
            if (tag["href"] is { } href)
                Assert.StartsWith("#", href);
            Assert.DoesNotContain(tag.Name, (string[])["link", "img", "iframe", "object", "embed", "image", "use", "base", "form", "audio", "video", "source"]);
        }
        foreach (var scheme in (string[])["http:", "https:", "file:", "ftp:", "//", "url(", "@import"])
            Assert.DoesNotContain(scheme, html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Content_security_policy_forbids_the_network_and_comes_first()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed());

        const string meta = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            + "script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">";
        var at = html.IndexOf(meta, StringComparison.Ordinal);
        Assert.True(at > 0, "CSP meta missing");
        Assert.True(at < html.IndexOf("<style>", StringComparison.Ordinal));
        Assert.True(at < html.IndexOf("<title>", StringComparison.Ordinal));
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", html);
        Assert.Equal(1, CountOf(html, "<style>"));
        Assert.Contains("data-ready", ReportAssets.Script);
    }

    [Fact]
    public void Rotation_chart_buckets_sum_to_the_keys_with_the_policy_line_at_90_days()
    {
        var report = ReportSamples.Mixed();
        var html = ComplianceReportWriter.ToHtml(report);

        var bars = HtmlProbe.Tags(html).Where(t => t.Has("data-bucket")).ToList();
        Assert.Equal(["0-30", "31-60", "61-90", "91-180", "181-365", ">365", "never"], bars.Select(b => b["data-bucket"]));
        Assert.Equal(report.Keys.Count, bars.Sum(b => int.Parse(b["data-count"]!, System.Globalization.CultureInfo.InvariantCulture)));
        // 0 and 10 days; 45; 90 (on the edge); 91; 200; 400; never.
        Assert.Equal(["2", "1", "1", "1", "1", "1", "1"], bars.Select(b => b["data-count"]));
        Assert.All(bars, b => Assert.Equal("g", b.Name));

        var line = HtmlProbe.ById(html, "policy-line");
        Assert.Equal("90", line["data-days"]);
        Assert.Contains(">policy: 90 days</text>", html);
        // Bars after the line are drawn as older than the policy, the rest as within it.
        Assert.Equal(["b ok", "b ok", "b ok", "b old", "b old", "b old", "b nv"], bars.Select(b => b["class"]));
        Assert.Contains("8 keys; 3 with material older than 90 days; 1 never rotated.", html);
    }

    [Fact]
    public void Policy_period_off_the_standard_edges_becomes_an_edge()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed(policy: PolicySettings.Defaults with { RotationPeriodDays = 120 }));

        var bars = HtmlProbe.Tags(html).Where(t => t.Has("data-bucket")).ToList();
        Assert.Equal(["0-30", "31-60", "61-90", "91-120", "121-180", "181-365", ">365", "never"], bars.Select(b => b["data-bucket"]));
        Assert.Equal(ReportSamples.MixedKeysCount, bars.Sum(b => int.Parse(b["data-count"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("120", HtmlProbe.ById(html, "policy-line")["data-days"]);
        Assert.Equal(["b ok", "b ok", "b ok", "b ok", "b old", "b old", "b old", "b nv"], bars.Select(b => b["class"]));
    }

    [Fact]
    public void Age_is_computed_from_the_last_rotation_when_days_are_not_given()
    {
        var key = new ReportKey("k", null, "Enabled", null, null, ReportSamples.At.AddDays(-100).AddHours(-3), null, new Dictionary<string, string>());
        var buckets = RotationAgeBuckets.Of([key, key with { LastRotationDate = ReportSamples.At.AddHours(1) }], 90, ReportSamples.At);

        Assert.Equal(1, buckets.Single(b => b.Label == "91-180").Count);
        Assert.Equal(1, buckets.Single(b => b.Label == "0-30").Count); // a clock a little ahead is not negative
    }

    [Fact]
    public void Valid_chain_shows_rows_checked_and_the_last_hash()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed());

        var status = HtmlProbe.ById(html, "chain-status");
        Assert.Equal("true", status["data-valid"]);
        Assert.Equal("valid", status["data-state"]);
        Assert.Equal("1234", HtmlProbe.TextOf(html, "chain-rows"));
        Assert.Contains(new string('a', 64), html);
    }

    [Fact]
    public void Broken_chain_shows_the_break()
    {
        var id = Guid.NewGuid();
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed(new ChainVerification
        {
            RowsChecked = 41, Break = ChainBreak.RowHashMismatch, BrokenSequence = 42, BrokenAuditId = id,
            Problem = "RowHash <deadbeef> does not match", LastSequence = 41, LastRowHash = new string('d', 64),
        }));

        var status = HtmlProbe.ById(html, "chain-status");
        Assert.Equal("false", status["data-valid"]);
        Assert.Equal("broken", status["data-state"]);
        Assert.Equal("42", HtmlProbe.TextOf(html, "chain-broken-sequence"));
        Assert.Equal("RowHashMismatch", HtmlProbe.TextOf(html, "chain-break"));
        Assert.Equal("RowHash <deadbeef> does not match", HtmlProbe.TextOf(html, "chain-problem"));
        Assert.Contains(id.ToString(), html);
    }

    [Fact]
    public void Unreadable_store_shows_the_problem()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed(chainProblem: "Login failed for user 'audit<ro>'.", unreadableChain: true));

        var status = HtmlProbe.ById(html, "chain-status");
        Assert.Equal("false", status["data-valid"]);
        Assert.Equal("unreadable", status["data-state"]);
        Assert.Equal("Not verified: Login failed for user 'audit<ro>'.", HtmlProbe.TextOf(html, "chain-status"));
    }

    [Fact]
    public void Recent_emergency_operations_are_listed()
    {
        var html = ComplianceReportWriter.ToHtml(ReportSamples.Mixed());

        var rows = HtmlProbe.Rows(html, "emergency");
        Assert.Equal(["Succeeded", "Failed"], rows.Select(r => r["data-outcome"]));
        foreach (var text in (string[])["INC-2025-0042", "INC-2025-0043", "REVOKE", "SCHEDULE_DELETION", "alias/signing",
                     "arn:aws:sts::123456789012:assumed-role/KeyAdmin/bob", "2025-06-29T06:00:00Z", WebUtility.HtmlEncode(ReportSamples.OperatorName)])
            Assert.Contains(text, html);

        var none = ComplianceReportWriter.ToHtml(new ComplianceReport
        {
            GeneratedAt = ReportSamples.At, Environment = "dev", Policy = PolicySettings.Defaults,
            Summary = ComplianceSummary.Of("dev", ReportSamples.At, []),
        });
        Assert.Contains("id=\"emergency-none\"", none);
        Assert.Equal("true", HtmlProbe.ById(none, "verdict")["data-compliant"]);
        Assert.Equal("unreadable", HtmlProbe.ById(none, "chain-status")["data-state"]);
        Assert.All(HtmlProbe.Tags(none).Where(t => t.Has("data-bucket")), b => Assert.Equal("0", b["data-count"]));
    }

    [Fact]
    public void File_is_written_atomically_and_replaces_the_old_one()
    {
        using var dir = new TempDirectory();
        var path = dir.File("report.html");
        File.WriteAllText(path, "old report");

        var written = ComplianceReportWriter.WriteHtmlFile(ReportSamples.Mixed(), path);

        Assert.Equal(Path.GetFullPath(path), written);
        var bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]); // no BOM
        Assert.Equal(ComplianceReportWriter.ToHtml(ReportSamples.Mixed()), File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("report.html");
        File.WriteAllText(path, "old report");
        var broken = new ComplianceReport
        {
            GeneratedAt = ReportSamples.At, Environment = "prod", Policy = PolicySettings.Defaults, Summary = null!,
        };

        Assert.ThrowsAny<NullReferenceException>(() => ComplianceReportWriter.WriteHtmlFile(broken, path));

        Assert.Equal("old report", File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Throws<DirectoryNotFoundException>(() => ComplianceReportWriter.WriteHtmlFile(ReportSamples.Mixed(), dir.File("missing", "r.html")));
    }

    [Fact]
    public void Ten_thousand_keys_render_under_ten_megabytes()
    {
        var report = ReportSamples.Fleet(10_000);
        Assert.Equal(60_003, report.Findings.Count);
        using var dir = new TempDirectory();
        var path = dir.File("fleet.html");

        var cold = Stopwatch.StartNew();
        ComplianceReportWriter.WriteHtmlFile(report, path);
        cold.Stop();
        var warm = Stopwatch.StartNew();
        ComplianceReportWriter.WriteHtmlFile(report, path);
        warm.Stop();

        var size = new FileInfo(path).Length;
        output.WriteLine($"10,000 keys x 6 checks (60,003 findings): {size:N0} bytes ({size / 1048576.0:F2} MiB); "
                         + $"written in {cold.ElapsedMilliseconds} ms (first run), {warm.ElapsedMilliseconds} ms (second run)");
        Assert.True(size < 10_000_000, $"report is {size:N0} bytes");

        var html = File.ReadAllText(path);
        Assert.Equal(10_000, HtmlProbe.Rows(html, "findings").Count);
        Assert.Equal(report.Summary.Keys, HtmlProbe.IntOf(html, "count-keys"));
        Assert.Equal(report.Summary.Fail, HtmlProbe.IntOf(html, "count-fail"));
        Assert.Equal(10_000, HtmlProbe.Tags(html).Where(t => t.Has("data-bucket")).Sum(b => int.Parse(b["data-count"]!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static int CountOf(string text, string value)
    {
        var n = 0;
        for (var i = text.IndexOf(value, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.OrdinalIgnoreCase))
            n++;
        return n;
    }
}
