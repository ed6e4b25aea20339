using BuzzKeyMgmt.Engine.Audit;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// What every audit store must do, run against each provider (see the subclasses). Tests use their own environment
/// and key ids, so they also hold on a shared SQL Server database that other runs have written to.
/// </summary>
public abstract class AuditStoreContractTests : IDisposable
{
    private IAuditStore? _store;

    protected IAuditStore Store => _store ??= CreateMigratedStore();

    /// <summary>A store on an empty or existing (already used) database, migrated.</summary>
    protected abstract IAuditStore CreateMigratedStore();

    /// <summary>Runs raw SQL against the store's database (outside the store's API), as an attacker or DBA would.</summary>
    protected abstract void ExecuteRaw(string sql);

    public virtual void Dispose() { }

    [StoreFact]
    public void Migrate_twice_applies_nothing_the_second_time_and_reports_version_5()
    {
        Assert.Empty(Store.Migrate());
        var description = Store.Describe();
        Assert.True(description.Reachable, description.Error);
        Assert.Equal(5, description.SchemaVersion);
        Assert.Equal(Store.Provider, description.Provider);
    }

    [StoreFact]
    public void Append_extends_the_chain_with_consecutive_sequences_and_linked_hashes()
    {
        var environment = SampleEntries.NewEnvironment();
        var started = SampleEntries.Started(environment, SampleEntries.NewKeyId());
        var first = Store.Append(started);
        var second = Store.Append(SampleEntries.Completed(started));

        Assert.Equal(first.Sequence + 1, second.Sequence);
        Assert.Equal(first.RowHash, second.PreviousHash);
        Assert.Equal(AuditHasher.ComputeRowHash(second, second.Sequence, second.PreviousHash), second.RowHash);
        Assert.Matches("^[0-9a-f]{64}$", second.RowHash);
        Assert.Equal(started.OperationId, second.OperationId);
    }

    [StoreFact]
    public void Stored_rows_read_back_exactly_as_written_including_nulls_unicode_and_ticks()
    {
        var environment = SampleEntries.NewEnvironment();
        var started = SampleEntries.Started(environment, SampleEntries.NewKeyId()) with
        {
            Reason = "Schlüssel kompromittiert — 鍵 | 3:x ~", ChangeId = null, ClientAddress = "",
        };
        var written = Store.Append(started);
        var read = Assert.Single(Store.Query(new AuditQuery { Environment = environment }));
        Assert.Equal(written, read);
        Assert.Null(read.ChangeId);
        Assert.Equal("", read.ClientAddress);
        Assert.Equal(started.OccurredAtUtc.UtcTicks, read.OccurredAtUtc.UtcTicks);
    }

    [StoreFact]
    public void Append_is_idempotent_by_AuditId()
    {
        var entry = SampleEntries.Started(SampleEntries.NewEnvironment(), SampleEntries.NewKeyId());
        var first = Store.Append(entry);
        var again = Store.Append(entry with { Reason = "a replay must not change the stored row" });
        Assert.Equal(first, again);
        Assert.Single(Store.Query(new AuditQuery { Environment = entry.Environment }));
        Assert.True(Store.Contains(entry.AuditId));
        Assert.False(Store.Contains(Guid.NewGuid()));
    }

    [StoreFact]
    public void Append_refuses_a_malformed_entry_with_a_domain_error()
    {
        var entry = SampleEntries.Started(SampleEntries.NewEnvironment(), SampleEntries.NewKeyId());
        var badOperation = Assert.Throws<AuditStoreException>(() => Store.Append(entry with { Operation = "drop table" }));
        Assert.Equal(AuditErrorCodes.InvalidAuditEntry, badOperation.Code);
        Assert.Contains("Operation", badOperation.Message);
        var badPhase = Assert.Throws<AuditStoreException>(() => Store.Append(entry with { Outcome = AuditOutcome.Succeeded }));
        Assert.Contains("Started row has Outcome Pending", badPhase.Message);
        Assert.False(Store.Contains(entry.AuditId));
    }

    [StoreFact]
    public void Query_filters_and_returns_newest_first()
    {
        var environment = SampleEntries.NewEnvironment();
        var keyA = SampleEntries.NewKeyId();
        var keyB = SampleEntries.NewKeyId();
        var revokeA = SampleEntries.Started(environment, keyA, AuditOperations.Revoke, minute: 0);
        var rotateB = SampleEntries.Started(environment, keyB, AuditOperations.Rotate, minute: 10) with { IncidentId = null, ChangeId = "CHG-2026-0107" };
        var completedA = SampleEntries.Completed(revokeA);
        foreach (var e in new[] { revokeA, rotateB, completedA }) Store.Append(e);

        var all = Store.Query(new AuditQuery { Environment = environment });
        Assert.Equal([completedA.AuditId, rotateB.AuditId, revokeA.AuditId], all.Select(r => r.AuditId));
        Assert.True(all[0].Sequence > all[1].Sequence && all[1].Sequence > all[2].Sequence);

        Assert.Equal(2, Store.Query(new AuditQuery { KeyId = keyA }).Count);
        Assert.Equal(2, Store.Query(new AuditQuery { KeyId = revokeA.Alias }).Count);
        Assert.Equal(rotateB.AuditId, Assert.Single(Store.Query(new AuditQuery { Environment = environment, Operation = AuditOperations.Rotate })).AuditId);
        Assert.Equal(rotateB.AuditId, Assert.Single(Store.Query(new AuditQuery { ChangeId = "CHG-2026-0107", Environment = environment })).AuditId);
        Assert.Equal(2, Store.Query(new AuditQuery { IncidentId = "INC-2026-0042", Environment = environment }).Count);
        Assert.Equal(2, Store.Query(new AuditQuery { OperationId = revokeA.OperationId }).Count);
        Assert.Equal(completedA.AuditId, Assert.Single(Store.Query(new AuditQuery { Environment = environment, Last = 1 })).AuditId);
        var window = Store.Query(new AuditQuery { Environment = environment, Since = SampleEntries.Start.AddMinutes(5), Until = SampleEntries.Start.AddMinutes(11) });
        Assert.Equal(rotateB.AuditId, Assert.Single(window).AuditId);
        Assert.Throws<AuditStoreException>(() => Store.Query(new AuditQuery { Last = 0 }));
    }

    [StoreFact]
    public void VerifyChain_reports_a_valid_chain_covering_every_row()
    {
        var entry = SampleEntries.Started(SampleEntries.NewEnvironment(), SampleEntries.NewKeyId());
        var last = Store.Append(entry);
        var result = Store.VerifyChain();
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(last.Sequence, result.LastSequence);
        Assert.Equal(last.RowHash, result.LastRowHash);
        Assert.Equal(last.Sequence, result.RowsChecked);
    }

    [StoreFact]
    public void The_database_refuses_update_and_delete_of_audit_rows()
    {
        var row = Store.Append(SampleEntries.Started(SampleEntries.NewEnvironment(), SampleEntries.NewKeyId()));
        var update = Assert.ThrowsAny<Exception>(() => ExecuteRaw($"UPDATE KeyManagementAudit SET Reason = 'covered up' WHERE Sequence = {row.Sequence}"));
        Assert.Contains("append-only", update.Message);
        var delete = Assert.ThrowsAny<Exception>(() => ExecuteRaw($"DELETE FROM KeyManagementAudit WHERE Sequence = {row.Sequence}"));
        Assert.Contains("append-only", delete.Message);
        Assert.Equal(row, Assert.Single(Store.Query(new AuditQuery { Environment = row.Environment })));
    }

    [StoreFact]
    public void Key_status_is_upserted_and_found_by_id_alias_or_arn()
    {
        var keyId = SampleEntries.NewKeyId();
        var status = new KeyStatusRecord
        {
            KeyId = keyId, KeyArn = "arn:aws:kms:eu-west-1:111122223333:key/" + keyId, Alias = "alias/CEK_" + keyId[..8],
            Environment = "prod", KeyState = "Enabled", KeySpec = "SYMMETRIC_DEFAULT", KeyUsage = "ENCRYPT_DECRYPT",
            RotationEnabled = true, RotationPeriodDays = 90, CreatedAtUtc = SampleEntries.Start.AddDays(-200),
            LastRotatedAtUtc = SampleEntries.Start.AddDays(-30), LastOperation = AuditOperations.Rotate,
            LastOperationId = Guid.NewGuid(), LastOutcome = AuditOutcome.Succeeded, UpdatedAtUtc = SampleEntries.Start,
        };
        Store.UpsertKeyStatus(status);
        Assert.Equal(status, Store.GetKeyStatus(keyId));
        Assert.Equal(status, Store.GetKeyStatus(status.Alias!));
        Assert.Equal(status, Store.GetKeyStatus(status.KeyArn!));

        var revoked = status with { KeyState = "Disabled", LastOperation = AuditOperations.Revoke, UpdatedAtUtc = SampleEntries.Start.AddHours(1) };
        Store.UpsertKeyStatus(revoked);
        Assert.Equal(revoked, Store.GetKeyStatus(keyId));
        Assert.Single(Store.GetKeyStatuses(), k => k.KeyId == keyId);
        Assert.Null(Store.GetKeyStatus(SampleEntries.NewKeyId()));
    }

    [StoreFact]
    public void Keys_due_for_rotation_follow_the_policy_period_and_skip_disabled_keys()
    {
        var asOf = new DateTimeOffset(2031, 3, 1, 0, 0, 0, TimeSpan.Zero); // far from other tests' dates
        KeyStatusRecord Key(string state, int rotatedDaysAgo) => new()
        {
            KeyId = SampleEntries.NewKeyId(), Environment = "prod", KeyState = state, RotationEnabled = true,
            LastRotatedAtUtc = asOf.AddDays(-rotatedDaysAgo), UpdatedAtUtc = asOf.AddYears(-1),
        };
        var overdue = Key("Enabled", 120);
        var dueInTen = Key("Enabled", 80);
        var fresh = Key("Enabled", 10);
        var disabled = Key("Disabled", 200);
        foreach (var k in new[] { overdue, dueInTen, fresh, disabled }) Store.UpsertKeyStatus(k);
        var mine = new HashSet<string> { overdue.KeyId, dueInTen.KeyId, fresh.KeyId, disabled.KeyId };

        var dueNow = Store.GetKeysDueForRotation(asOf, 0).Where(d => mine.Contains(d.Key.KeyId)).ToList();
        Assert.Equal([overdue.KeyId], dueNow.Select(d => d.Key.KeyId));
        Assert.Equal(overdue.LastRotatedAtUtc!.Value.AddDays(90), dueNow[0].RotationDueAtUtc);

        var dueSoon = Store.GetKeysDueForRotation(asOf, 14).Where(d => mine.Contains(d.Key.KeyId)).Select(d => d.Key.KeyId);
        Assert.Equal([overdue.KeyId, dueInTen.KeyId], dueSoon);
    }

    [StoreFact]
    public void Policy_is_seeded_by_the_migrations()
    {
        var policy = Store.GetPolicy();
        Assert.Equal(90, policy.RotationPeriodDays);
        Assert.Equal(7, policy.RecoveryWindowDays);
        Assert.Equal(3072, policy.MinimumRsaKeyBits);
        Assert.Equal(2, policy.ApprovalsRequired);
        Assert.Equal(10, policy.MttrTargetMinutes);
        Assert.Equal(24, policy.RecoveryRequestExpiryHours);
        Assert.True(policy.IsValidIncidentId("INC-2026-0042"));
        Assert.True(policy.IsValidIncidentId("INCIDENT-2026-123456"));
        Assert.False(policy.IsValidIncidentId("INC-26-42"));
        Assert.True(policy.IsValidChangeId("CHG-2026-0107"));
        Assert.False(policy.IsValidChangeId("INC-2026-0107"));
    }

    [StoreFact]
    public void Recovery_needs_two_distinct_approvers_other_than_the_requester()
    {
        var request = Store.CreateRecoveryRequest(NewRequest(out var requester));
        Assert.Equal(RecoveryRequestStatus.Pending, request.Status);
        Assert.Equal(2, request.ApprovalsRequired);
        Assert.Equal(request.RequestedAtUtc.AddHours(24), request.ExpiresAtUtc);

        var self = Assert.Throws<AuditStoreException>(() => Store.ApproveRecoveryRequest(request.RequestId, requester, request.RequestedAtUtc.AddMinutes(1)));
        Assert.Equal(AuditErrorCodes.SelfApproval, self.Code);

        const string bob = "arn:aws:sts::111122223333:assumed-role/Recovery/bob";
        const string carol = "arn:aws:sts::111122223333:assumed-role/Recovery/carol";
        var once = Store.ApproveRecoveryRequest(request.RequestId, bob, request.RequestedAtUtc.AddMinutes(2));
        Assert.Equal(RecoveryRequestStatus.Pending, once.Status);
        var duplicate = Assert.Throws<AuditStoreException>(() => Store.ApproveRecoveryRequest(request.RequestId, bob, request.RequestedAtUtc.AddMinutes(3)));
        Assert.Equal(AuditErrorCodes.DuplicateApproval, duplicate.Code);

        var twice = Store.ApproveRecoveryRequest(request.RequestId, carol, request.RequestedAtUtc.AddMinutes(4));
        Assert.Equal(RecoveryRequestStatus.Approved, twice.Status);
        Assert.Equal([bob, carol], twice.Approvals.Select(a => a.ApprovedBy));
        var reread = Store.GetRecoveryRequest(request.RequestId)!;
        Assert.Equal(twice with { Approvals = [] }, reread with { Approvals = [] });
        Assert.Equal(twice.Approvals, reread.Approvals);

        var late = Assert.Throws<AuditStoreException>(() => Store.ApproveRecoveryRequest(request.RequestId, "arn:aws:sts::111122223333:assumed-role/Recovery/dave", request.RequestedAtUtc.AddMinutes(5)));
        Assert.Equal(AuditErrorCodes.RecoveryRequestNotPending, late.Code);
        Assert.Equal(RecoveryRequestStatus.Completed, Store.SetRecoveryRequestStatus(request.RequestId, RecoveryRequestStatus.Completed).Status);
    }

    [StoreFact]
    public void Recovery_requests_expire_and_unknown_or_malformed_ones_are_refused()
    {
        var request = Store.CreateRecoveryRequest(NewRequest(out _));
        var expired = Assert.Throws<AuditStoreException>(() =>
            Store.ApproveRecoveryRequest(request.RequestId, "arn:aws:sts::111122223333:assumed-role/Recovery/bob", request.ExpiresAtUtc.AddSeconds(1)));
        Assert.Equal(AuditErrorCodes.RecoveryRequestExpired, expired.Code);
        Assert.Equal(RecoveryRequestStatus.Expired, Store.GetRecoveryRequest(request.RequestId)!.Status);

        var unknown = Assert.Throws<AuditStoreException>(() => Store.ApproveRecoveryRequest(Guid.NewGuid(), "arn:aws:sts::1:assumed-role/R/x", SampleEntries.Start));
        Assert.Equal(AuditErrorCodes.RecoveryRequestNotFound, unknown.Code);
        Assert.Null(Store.GetRecoveryRequest(Guid.NewGuid()));

        var badChange = Assert.Throws<AuditStoreException>(() => Store.CreateRecoveryRequest(NewRequest(out _) with { ChangeId = "please" }));
        Assert.Equal(AuditErrorCodes.InvalidRecoveryRequest, badChange.Code);
        Assert.Contains("ChangeId", badChange.Message);
    }

    private static NewRecoveryRequest NewRequest(out string requester)
    {
        requester = "arn:aws:sts::111122223333:assumed-role/Recovery/alice";
        return new NewRecoveryRequest
        {
            KeyId = SampleEntries.NewKeyId(), ChangeId = "CHG-2026-0107", Reason = "restore after false-positive revocation",
            RequestedBy = requester, RequestedAtUtc = SampleEntries.Start,
        };
    }
}
