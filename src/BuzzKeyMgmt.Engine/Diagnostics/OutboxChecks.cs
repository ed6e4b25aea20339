using System.Globalization;
using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>"Alert outbox": alerts of the environment that SNS did not take yet (its <see cref="AlertOutbox"/>), which
/// Sync-KeyAuditJournal delivers from a session of that environment.</summary>
internal static class OutboxChecks
{
    public const string AlertOutboxCheck = "Alert outbox";

    public static EnvironmentCheck Run(string environmentName, AlertOutbox? outbox = null)
    {
        outbox ??= AlertOutbox.ForEnvironment(environmentName);
        IReadOnlyList<PendingAlert> pending;
        try
        {
            pending = outbox.ReadAll();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return EnvironmentCheck.Warn(AlertOutboxCheck, $"{outbox.OutboxPath} could not be read: {ex.Message}");
        }
        if (pending.Count == 0) return EnvironmentCheck.Pass(AlertOutboxCheck, $"no alerts waiting ({outbox.OutboxPath})");
        var oldest = pending[0];
        var error = pending.LastOrDefault(p => p.LastError is not null)?.LastError;
        return EnvironmentCheck.Warn(AlertOutboxCheck,
            $"{pending.Count} alert(s) waiting in {outbox.OutboxPath}, oldest queued {oldest.QueuedAtUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" +
            (error is null ? "" : $" (last error: {error})") +
            $": connect (Connect-KeyManagement -Environment {environmentName}) and run Sync-KeyAuditJournal to deliver them");
    }
}
