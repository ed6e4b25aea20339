using System.Globalization;
using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>"Alert outbox": alerts of the environment that SNS did not take yet (its <see cref="AlertOutbox"/>), which
/// Sync-KeyAuditJournal delivers from a session of that environment; lines of the outbox that are not an alert (the next
/// flush quarantines them); and lines in the quarantine file, alerts that were never sent, waiting for a person.</summary>
internal static class OutboxChecks
{
    public const string AlertOutboxCheck = "Alert outbox";

    public static EnvironmentCheck Run(string environmentName, AlertOutbox? outbox = null)
    {
        outbox ??= AlertOutbox.ForEnvironment(environmentName);
        OutboxStatus status;
        try
        {
            status = outbox.Inspect();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return EnvironmentCheck.Warn(AlertOutboxCheck, $"{outbox.OutboxPath} could not be read: {ex.Message}");
        }
        if (status.IsEmpty) return EnvironmentCheck.Pass(AlertOutboxCheck, $"no alerts waiting ({outbox.OutboxPath})");

        var parts = new List<string>();
        var connect = $"connect (Connect-KeyManagement -Environment {environmentName}) and run Sync-KeyAuditJournal";
        if (status.Pending.Count > 0)
        {
            var oldest = status.Pending[0];
            var error = status.Pending.LastOrDefault(p => p.LastError is not null)?.LastError;
            parts.Add($"{status.Pending.Count} alert(s) waiting in {outbox.OutboxPath}, oldest queued {oldest.QueuedAtUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" +
                      (error is null ? "" : $" (last error: {error})") + $": {connect} to deliver them");
        }
        if (status.Unreadable.Count > 0)
            parts.Add($"{status.Unreadable.Count} line(s) of {outbox.OutboxPath} are not an alert and will never be sent ({AlertOutbox.Describe(status.Unreadable)}): " +
                      $"{connect} to move them to {outbox.QuarantinePath}, then look at them there");
        if (status.Quarantined > 0)
            parts.Add($"{status.Quarantined} unreadable outbox line(s) were quarantined in {outbox.QuarantinePath} and never sent: " +
                      "read each one (its line number, why it was refused, its text), tell the alert's recipients what it said, then delete the file");
        return EnvironmentCheck.Warn(AlertOutboxCheck, string.Join("; ", parts));
    }
}
