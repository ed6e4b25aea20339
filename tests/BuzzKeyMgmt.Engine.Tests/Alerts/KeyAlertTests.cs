using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt.Engine.Tests.Alerts;

public sealed class KeyAlertTests
{
    [Fact]
    public void Subject_follows_the_documented_shape()
    {
        Assert.Equal("[production] KEY REVOKED alias/CEK_User_12345 (INC-2026-0042)", AlertSandbox.Revoke().Subject);
        Assert.Equal("[production] KEY REVOKE FAILED alias/CEK_User_12345 (INC-2026-0042)", AlertSandbox.Revoke(outcome: KeyAlert.Failed).Subject);
    }

    [Fact]
    public void Long_alias_is_shortened_with_an_ellipsis_and_the_ticket_is_kept()
    {
        var alert = AlertSandbox.Revoke("alias/" + new string('x', 250));

        var subject = alert.Subject;

        Assert.True(subject.Length < 100, $"{subject.Length} characters");
        Assert.Contains("...", subject);
        Assert.StartsWith("[production] KEY REVOKED alias/xxx", subject);
        Assert.EndsWith("(INC-2026-0042)", subject);
    }

    [Fact]
    public void Control_characters_and_line_breaks_never_reach_the_subject()
    {
        var alert = AlertSandbox.Revoke("alias/evil\r\nBcc: someone\u0007\t") with { IncidentId = "INC-1\n2", Environment = "prod\u0000uction" };

        var subject = alert.Subject;

        Assert.DoesNotContain(subject, char.IsControl);
        Assert.Equal("[prod uction] KEY REVOKED alias/evil Bcc: someone (INC-1 2)", subject);
    }

    [Fact]
    public void Non_ASCII_becomes_question_marks_one_per_character()
    {
        var alert = AlertSandbox.Revoke("alias/Kunden_Schlüssel_😀" + string.Concat(Enumerable.Repeat("😀", 80)));

        var subject = alert.Subject;

        Assert.True(subject.Length < 100, $"{subject.Length} characters");
        Assert.All(subject, c => Assert.InRange(c, ' ', '~'));
        Assert.StartsWith("[production] KEY REVOKED alias/Kunden_Schl?ssel_???", subject);
        Assert.EndsWith("... (INC-2026-0042)", subject);
    }

    [Theory]
    [InlineData("REVOKE", KeyAlert.Succeeded, "critical")]
    [InlineData("SCHEDULE_DELETION", KeyAlert.Succeeded, "critical")]
    [InlineData("RECOVER", KeyAlert.Succeeded, "high")]
    [InlineData("RECOVER", KeyAlert.Failed, "critical")]
    [InlineData("ROTATE", KeyAlert.Succeeded, "info")]
    [InlineData("ROTATE", KeyAlert.Failed, "high")]
    [InlineData("REVOKE", KeyAlert.Failed, "critical")]
    [InlineData("REVOKE", KeyAlert.Refused, "warning")]
    [InlineData("RECOVER", KeyAlert.Refused, "warning")]
    [InlineData("REVOKE", KeyAlert.Unchanged, "info")]
    [InlineData("RECOVER", KeyAlert.Unchanged, "info")]
    public void Severity_follows_operation_and_outcome(string operation, string outcome, string severity)
    {
        var alert = AlertSandbox.Revoke(outcome: outcome) with { Operation = operation };

        Assert.Equal(severity, alert.Severity);
        Assert.Contains(new KeyValuePair<string, string>("severity", severity), alert.MessageAttributes);
    }

    [Fact]
    public void Body_reads_back_to_the_same_alert_with_its_id()
    {
        var alert = AlertSandbox.Revoke(outcome: KeyAlert.Failed) with { Journaled = true, ChangeId = "CHG-7" };

        var back = KeyAlert.FromBody(alert.Body);

        Assert.NotNull(back);
        Assert.Equal(alert.AlertId, back.AlertId);
        Assert.Equal(alert.Subject, back.Subject);
        Assert.Equal("KMSInvalidStateException", back.ErrorCode);
        Assert.True(back.Journaled);
        Assert.Equal("CHG-7", back.ChangeId);
        Assert.Equal(alert.OccurredAtUtc, back.OccurredAtUtc);
        Assert.Equal(12, back.Timings!["audit"]);
        Assert.Contains("\"event\":\"key.revoke.failed\"", alert.Body);
    }

    [Theory]
    [InlineData(KeyAlert.Succeeded, "key.revoke.succeeded", "[production] KEY REVOKED alias/CEK_User_12345 (INC-2026-0042)")]
    [InlineData(KeyAlert.Unchanged, "key.revoke.unchanged", "[production] KEY ALREADY REVOKED alias/CEK_User_12345 (INC-2026-0042)")]
    [InlineData(KeyAlert.Refused, "key.revoke.refused", "[production] KEY REVOKE REFUSED alias/CEK_User_12345 (INC-2026-0042)")]
    [InlineData(KeyAlert.Failed, "key.revoke.failed", "[production] KEY REVOKE FAILED alias/CEK_User_12345 (INC-2026-0042)")]
    public void Each_outcome_has_its_own_event_and_subject(string outcome, string @event, string subject)
    {
        var alert = AlertSandbox.Revoke(outcome: outcome);

        Assert.Equal((@event, subject), (alert.Event, alert.Subject));
        Assert.Contains(new KeyValuePair<string, string>("outcome", outcome), alert.MessageAttributes);
        Assert.Equal(outcome == KeyAlert.Failed, alert.IsFailure);
    }

    [Fact]
    public void The_alerts_readme_documents_every_body_field_with_the_type_that_is_sent()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "src/BuzzKeyMgmt.Engine/Alerts/README.md"));
        var table = readme[readme.IndexOf("## Body", StringComparison.Ordinal)..readme.IndexOf("## Severity", StringComparison.Ordinal)];
        var documented = new Dictionary<string, string>();
        foreach (System.Text.RegularExpressions.Match row in System.Text.RegularExpressions.Regex.Matches(table, @"^\|(?<names>[^|]+)\|(?<type>[^|]+)\|", System.Text.RegularExpressions.RegexOptions.Multiline))
            foreach (System.Text.RegularExpressions.Match name in System.Text.RegularExpressions.Regex.Matches(row.Groups["names"].Value, "`(?<n>[a-zA-Z]+)`"))
                documented[name.Groups["n"].Value] = row.Groups["type"].Value.Trim();
        var alert = AlertSandbox.Revoke(outcome: KeyAlert.Failed) with
        {
            AuditId = Guid.NewGuid().ToString(), BaseIdentityArn = "arn:aws:iam::111122223333:user/alice", Summary = new AlertSummary(1, 0, 1, 0),
        };
        using var body = System.Text.Json.JsonDocument.Parse(alert.Body);

        foreach (var property in body.RootElement.EnumerateObject())
        {
            Assert.True(documented.ContainsKey(property.Name), $"the body's '{property.Name}' is not in Alerts/README.md");
            if (property.Value.ValueKind == System.Text.Json.JsonValueKind.Null)
            {
                Assert.True(documented[property.Name].EndsWith('?'), $"'{property.Name}' is sent as null but documented as {documented[property.Name]} (not nullable)");
                continue;
            }
            var sent = property.Value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => "string",
                System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
                System.Text.Json.JsonValueKind.Number => "number",
                _ => "object",
            };
            Assert.True(documented[property.Name].TrimEnd('?') == sent, $"'{property.Name}' is documented as {documented[property.Name]} but sent as {sent}");
        }
        foreach (var name in documented.Keys)
            Assert.True(body.RootElement.TryGetProperty(name, out _), $"Alerts/README.md documents '{name}', which the body does not carry");
    }

    [Fact]
    public void An_unreadable_body_is_null_not_an_exception()
    {
        Assert.Null(KeyAlert.FromBody("{\"alertId\":"));
        Assert.Null(KeyAlert.FromBody("{\"alertId\":\"a\"}")); // environment, operation and outcome are required
    }
}
