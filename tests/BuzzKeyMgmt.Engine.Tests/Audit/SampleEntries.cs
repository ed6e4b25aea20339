using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>Realistic audit entries for tests.</summary>
internal static class SampleEntries
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    public static AuditEntry Started(string environment, string keyId, string operation = AuditOperations.Revoke, int minute = 0) => new()
    {
        OperationId = Guid.NewGuid(),
        OccurredAtUtc = Start.AddMinutes(minute).AddTicks(1234567),
        Environment = environment,
        Operation = operation,
        Phase = AuditPhase.Started,
        Outcome = AuditOutcome.Pending,
        KeyId = keyId,
        KeyArn = $"arn:aws:kms:eu-west-1:111122223333:key/{keyId}",
        Alias = "alias/CEK_" + keyId[..8],
        IncidentId = "INC-2026-0042",
        Reason = "leaked credentials",
        IsEmergency = operation == AuditOperations.Revoke,
        OperatorArn = "arn:aws:sts::111122223333:assumed-role/Emergency/alice",
        OperatorName = "alice",
        ClientHost = "ops-laptop-7",
        ClientAddress = "10.0.4.17",
    };

    public static AuditEntry Completed(AuditEntry started, AuditOutcome outcome = AuditOutcome.Succeeded, int afterMs = 850) => started with
    {
        AuditId = Guid.NewGuid(),
        OccurredAtUtc = started.OccurredAtUtc.AddMilliseconds(afterMs),
        Phase = AuditPhase.Completed,
        Outcome = outcome,
        DurationMs = afterMs,
        AlertMessageId = "5a1c2f0e-6d7b-4f9a-9a8e-" + Guid.NewGuid().ToString("N")[..12],
        Details = "{\"steps\":{\"disable\":412,\"verify\":301}}",
        ErrorCode = outcome == AuditOutcome.Failed ? "KMSInvalidStateException" : null,
        ErrorMessage = outcome == AuditOutcome.Failed ? "is pending deletion." : null,
    };

    public static string NewEnvironment() => "test-" + Guid.NewGuid().ToString("N")[..10];

    public static string NewKeyId() => Guid.NewGuid().ToString("D");
}
