using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>Proves applications can use a key: GenerateDataKey and Decrypt as the Recovery role, timed and audited. It
/// changes nothing, so a stop at any point is a Cancelled row. A key that is disabled or pending deletion is a test that
/// ran and failed (a result with Passed false), not an error.</summary>
public sealed class AccessTest : KeyOperation<AccessTestResult>
{
    private (bool Passed, long GenerateMs, long DecryptMs) _roundTrip;

    public AccessTest(KeyReference key, string? mfaCode, string? incidentId, string? changeId)
    {
        Key = key;
        MfaCode = mfaCode;
        IncidentId = incidentId;
        ChangeId = changeId;
        Reason = "access test";
    }

    public override string AuditName => AuditOperations.AccessTest;
    public override KeyMgmtRole Role => KeyMgmtRole.Recovery;
    public override string Purpose => "The access test";
    public override bool SendsAlert => false;

    protected internal override string Intent(OperationRun run) => $"Test that {run.Target.Display} encrypts and decrypts";

    protected internal override async Task ActAsync(OperationRun run)
    {
        await run.Gates.WaitAsync("Crypto", run.Token).ConfigureAwait(false);
        var kms = (run.RoleSession ?? run.Session).Kms;
        _roundTrip = await run.StepAsync("roundTrip", () => AccessTester.RoundTripAsync(kms, run.Target.KeyId, run.Token)).ConfigureAwait(false);
        run.Say($"GenerateDataKey {_roundTrip.GenerateMs} ms, Decrypt {_roundTrip.DecryptMs} ms: {(_roundTrip.Passed ? "the plaintexts match" : "MISMATCH")}.");
    }

    protected internal override Task<ReadBack> ReadBackAsync(OperationRun run) =>
        Task.FromResult(new ReadBack(_roundTrip.Passed, run.InitialState));

    protected internal override string NotVerified(OperationRun run, ReadBack readBack) => "Decrypt returned other bytes than GenerateDataKey.";

    protected internal override bool FailureIsResult(OperationRun run, KeyMgmtException failure) =>
        failure.ErrorId is "InvalidKeyState" or "VerificationFailed";

    protected internal override object? Details(OperationRun run) => new { generateMs = _roundTrip.GenerateMs, decryptMs = _roundTrip.DecryptMs };

    protected internal override AccessTestResult Result(OperationRun run) => new()
    {
        KeyId = run.Target.KeyId, Alias = run.Target.Alias, Environment = run.Session.Environment, Passed = run.Outcome == AuditOutcome.Succeeded,
        GenerateDataKeyMs = _roundTrip.GenerateMs, DecryptMs = _roundTrip.DecryptMs, AuditId = run.CompletedRecord?.AuditId ?? Guid.Empty,
        Error = run.Outcome == AuditOutcome.Succeeded ? null : run.CompletedRecord?.ErrorMessage, Warnings = run.Warnings,
    };
}
