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

    /// <summary>The KeyComplianceStatus view's IsCompliant and IsRotationOverdue for one key (as a report would read it).</summary>
    protected abstract (bool Compliant, bool Overdue) ComplianceViewRow(string keyId);

    public virtual void Dispose() { }

    [StoreFact]
    public void Migrate_twice_applies_nothing_the_second_time_and_reports_version_7()
    {
        Assert.Empty(Store.Migrate());
        var description = Store.Describe();
        Assert.True(description.Reachable, description.Error);
        Assert.Equal(7, description.SchemaVersion);
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
    public void Many_key_statuses_are_recorded_at_once_and_a_read_keeps_what_the_last_operation_recorded()
    {
        var now = DateTimeOffset.UtcNow;
        var operation = Guid.NewGuid();
        var keys = Enumerable.Range(0, 25).Select(i => new KeyStatusRecord
        {
            KeyId = SampleEntries.NewKeyId(), Environment = "prod", KeyState = "Enabled", KeySpec = "SYMMETRIC_DEFAULT",
            RotationEnabled = true, RotationPeriodDays = 90, CreatedAtUtc = now.AddDays(-300), LastRotatedAtUtc = now.AddDays(-i),
            LastOperation = AuditOperations.Rotate, LastOperationId = operation, LastOutcome = AuditOutcome.Succeeded, UpdatedAtUtc = now.AddDays(-1),
        }).ToList();
        Store.UpsertKeyStatuses(keys);
        var read = keys.Select(k => k with { LastOperation = null, LastOperationId = null, LastOutcome = null, KeyState = "Disabled", UpdatedAtUtc = now }).ToList();

        Store.UpsertKeyStatuses(read);

        var stored = Store.GetKeyStatuses().Where(s => keys.Any(k => k.KeyId == s.KeyId)).ToList();
        Assert.Equal(25, stored.Count);
        Assert.All(stored, s => Assert.Equal(("Disabled", AuditOperations.Rotate, (Guid?)operation, (AuditOutcome?)AuditOutcome.Succeeded),
            (s.KeyState, s.LastOperation, s.LastOperationId, s.LastOutcome)));
        Assert.Throws<AuditStoreException>(() => Store.UpsertKeyStatuses([keys[0] with { KeyId = "" }]));
    }

    [StoreFact]
    public void The_compliance_view_judges_keys_kms_cannot_rotate_by_age_and_symmetric_keys_by_rotation_too()
    {
        var now = DateTimeOffset.UtcNow;
        KeyStatusRecord Key(string spec, bool rotation, int? period, int rotatedDaysAgo, string state = "Enabled") => new()
        {
            KeyId = SampleEntries.NewKeyId(), Environment = "prod", KeyState = state, KeySpec = spec, RotationEnabled = rotation,
            RotationPeriodDays = period, CreatedAtUtc = now.AddDays(-400), LastRotatedAtUtc = now.AddDays(-rotatedDaysAgo), UpdatedAtUtc = now,
        };
        var youngRsa = Key("RSA_3072", false, null, 10);
        var oldHmac = Key("HMAC_256", false, null, 200);
        var rotating = Key("SYMMETRIC_DEFAULT", true, 90, 10);
        var switchedOff = Key("SYMMETRIC_DEFAULT", false, null, 10);
        var yearly = Key("SYMMETRIC_DEFAULT", true, 365, 10);
        var overdue = Key("SYMMETRIC_DEFAULT", true, 90, 120);
        var disabled = Key("SYMMETRIC_DEFAULT", false, null, 500, "Disabled");
        Store.UpsertKeyStatuses([youngRsa, oldHmac, rotating, switchedOff, yearly, overdue, disabled]);

        Assert.Equal((true, false), ComplianceViewRow(youngRsa.KeyId));
        Assert.Equal((false, true), ComplianceViewRow(oldHmac.KeyId));
        Assert.Equal((true, false), ComplianceViewRow(rotating.KeyId));
        Assert.Equal((false, false), ComplianceViewRow(switchedOff.KeyId));
        Assert.Equal((false, false), ComplianceViewRow(yearly.KeyId));
        Assert.Equal((false, true), ComplianceViewRow(overdue.KeyId));
        Assert.Equal((true, true), ComplianceViewRow(disabled.KeyId));
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

    private const string Alice = "arn:aws:sts::111122223333:assumed-role/Recovery/alice";
    private const string Bob = "arn:aws:sts::111122223333:assumed-role/Recovery/bob";
    private const string Carol = "arn:aws:sts::111122223333:assumed-role/Recovery/carol";

    [StoreFact]
    public void FindRecoveryRequests_matches_the_key_by_id_alias_or_arn_newest_first_with_approvals()
    {
        var keyId = SampleEntries.NewKeyId();
        var older = CreateRequest(keyId, SampleEntries.Start);
        var newer = CreateRequest(keyId, SampleEntries.Start.AddHours(1));
        var otherKey = CreateRequest(SampleEntries.NewKeyId(), SampleEntries.Start.AddHours(2));
        Store.ApproveRecoveryRequest(older.RequestId, Bob, SampleEntries.Start.AddMinutes(5));
        Store.ApproveRecoveryRequest(older.RequestId, Carol, SampleEntries.Start.AddMinutes(7));
        Store.ApproveRecoveryRequest(newer.RequestId, Carol, SampleEntries.Start.AddHours(1).AddMinutes(3));

        foreach (var reference in new[] { keyId, older.Alias!, older.KeyArn! })
        {
            var found = Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = reference });
            Assert.Equal([newer.RequestId, older.RequestId], found.Select(r => r.RequestId));
            AssertSameRequest(Store.GetRecoveryRequest(newer.RequestId)!, found[0]);
            AssertSameRequest(Store.GetRecoveryRequest(older.RequestId)!, found[1]);
        }

        var byKey = Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId });
        Assert.Equal(RecoveryRequestStatus.Pending, byKey[0].Status);
        Assert.Equal([Carol], byKey[0].Approvals.Select(a => a.ApprovedBy));
        Assert.Equal(RecoveryRequestStatus.Approved, byKey[1].Status);
        Assert.Equal([Bob, Carol], byKey[1].Approvals.Select(a => a.ApprovedBy));
        Assert.Equal([SampleEntries.Start.AddMinutes(5), SampleEntries.Start.AddMinutes(7)], byKey[1].Approvals.Select(a => a.ApprovedAtUtc));
        Assert.All(byKey[1].Approvals, a => Assert.Equal(older.RequestId, a.RequestId));
        Assert.DoesNotContain(byKey, r => r.RequestId == otherKey.RequestId);
    }

    [StoreFact]
    public void Query_compares_key_references_ids_environments_and_operations_case_insensitively()
    {
        var environment = SampleEntries.NewEnvironment();
        var keyId = SampleEntries.NewKeyId();
        var incident = "INC-" + Random.Shared.Next(0, 1_000_000).ToString("D6");
        var change = "CHG-" + Random.Shared.Next(0, 1_000_000).ToString("D6");
        var started = SampleEntries.Started(environment, keyId) with { IncidentId = incident, ChangeId = change };
        Store.Append(started);
        Store.Append(SampleEntries.Completed(started));

        int Count(AuditQuery q) => Store.Query(q with { Environment = q.Environment ?? environment }).Count;
        Assert.Equal(2, Count(new AuditQuery { Environment = environment.ToUpperInvariant() }));
        Assert.Equal(2, Count(new AuditQuery { IncidentId = incident.ToLowerInvariant() }));
        Assert.Equal(2, Count(new AuditQuery { ChangeId = change.ToLowerInvariant() }));
        Assert.Equal(2, Count(new AuditQuery { KeyId = keyId.ToUpperInvariant() }));
        Assert.Equal(2, Count(new AuditQuery { KeyId = started.Alias!.ToLowerInvariant() }));
        Assert.Equal(2, Count(new AuditQuery { KeyId = started.KeyArn!.ToUpperInvariant() }));
        Assert.Equal(2, Count(new AuditQuery { Operation = "revoke" }));
        Assert.Equal(0, Count(new AuditQuery { Operation = "revoked" }));
        Assert.Equal(0, Count(new AuditQuery { IncidentId = incident + "0" }));
    }

    [StoreFact]
    public void FindRecoveryRequests_matches_key_references_and_change_ids_case_insensitively()
    {
        var changeId = UniqueChangeId();
        var keyId = SampleEntries.NewKeyId();
        var request = CreateRequest(keyId, SampleEntries.Start, changeId);
        foreach (var reference in new[] { keyId.ToUpperInvariant(), request.Alias!.ToLowerInvariant(), request.KeyArn!.ToUpperInvariant() })
            Assert.Equal([request.RequestId], Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = reference }).Select(r => r.RequestId));
        Assert.Equal([request.RequestId], Store.FindRecoveryRequests(new RecoveryRequestQuery { ChangeId = changeId.ToLowerInvariant(), KeyId = keyId }).Select(r => r.RequestId));
    }

    [StoreFact]
    public void FindRecoveryRequests_filters_by_change_id_and_request_id_and_finds_nothing_unknown()
    {
        var changeId = UniqueChangeId();
        var keyA = SampleEntries.NewKeyId();
        var keyB = SampleEntries.NewKeyId();
        var a = CreateRequest(keyA, SampleEntries.Start, changeId);
        var b = CreateRequest(keyB, SampleEntries.Start.AddMinutes(1), changeId);
        var otherChange = CreateRequest(keyA, SampleEntries.Start.AddMinutes(2));

        var byChange = Store.FindRecoveryRequests(new RecoveryRequestQuery { ChangeId = changeId });
        Assert.Equal([b.RequestId, a.RequestId], byChange.Where(r => r.KeyId == keyA || r.KeyId == keyB).Select(r => r.RequestId));
        Assert.All(byChange, r => Assert.Equal(changeId, r.ChangeId));
        Assert.Equal([a.RequestId], Store.FindRecoveryRequests(new RecoveryRequestQuery { ChangeId = changeId, KeyId = keyA }).Select(r => r.RequestId));

        var byId = Assert.Single(Store.FindRecoveryRequests(new RecoveryRequestQuery { RequestId = otherChange.RequestId }));
        AssertSameRequest(otherChange, byId);
        Assert.Empty(Store.FindRecoveryRequests(new RecoveryRequestQuery { RequestId = otherChange.RequestId, ChangeId = changeId }));

        Assert.Empty(Store.FindRecoveryRequests(new RecoveryRequestQuery { RequestId = Guid.NewGuid() }));
        Assert.Empty(Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = SampleEntries.NewKeyId() }));
        Assert.Empty(Store.FindRecoveryRequests(new RecoveryRequestQuery { ChangeId = "NOT-A-CHANGE-" + Guid.NewGuid().ToString("N") }));
    }

    [StoreFact]
    public void FindRecoveryRequests_filters_by_one_or_several_stored_statuses()
    {
        var keyId = SampleEntries.NewKeyId();
        var t = SampleEntries.Start;
        var pending = CreateRequest(keyId, t);
        var approved = Approved(CreateRequest(keyId, t.AddMinutes(10)));
        var completed = Store.SetRecoveryRequestStatus(Approved(CreateRequest(keyId, t.AddMinutes(20))).RequestId, RecoveryRequestStatus.Completed);
        var cancelled = Store.SetRecoveryRequestStatus(CreateRequest(keyId, t.AddMinutes(30)).RequestId, RecoveryRequestStatus.Cancelled);
        var expired = CreateRequest(keyId, t.AddMinutes(40));
        Assert.Throws<AuditStoreException>(() => Store.ApproveRecoveryRequest(expired.RequestId, Bob, expired.ExpiresAtUtc.AddMinutes(1)));

        Guid[] Find(params RecoveryRequestStatus[] statuses) => Store.FindRecoveryRequests(new RecoveryRequestQuery
        {
            KeyId = keyId, Statuses = statuses.ToHashSet(),
        }).Select(r => r.RequestId).ToArray();

        Assert.Equal([pending.RequestId], Find(RecoveryRequestStatus.Pending));
        Assert.Equal([approved.RequestId], Find(RecoveryRequestStatus.Approved));
        Assert.Equal([expired.RequestId], Find(RecoveryRequestStatus.Expired));
        Assert.Equal([completed.RequestId, approved.RequestId], Find(RecoveryRequestStatus.Approved, RecoveryRequestStatus.Completed));
        Assert.Equal([expired.RequestId, cancelled.RequestId, pending.RequestId],
            Find(RecoveryRequestStatus.Cancelled, RecoveryRequestStatus.Expired, RecoveryRequestStatus.Pending));
        Assert.Equal([expired.RequestId, cancelled.RequestId, completed.RequestId, approved.RequestId, pending.RequestId],
            Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId }).Select(r => r.RequestId));
        Assert.Equal(
            [RecoveryRequestStatus.Expired, RecoveryRequestStatus.Cancelled, RecoveryRequestStatus.Completed, RecoveryRequestStatus.Approved, RecoveryRequestStatus.Pending],
            Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId }).Select(r => r.Status));
    }

    [StoreFact]
    public void FindRecoveryRequests_returns_the_Last_newest_requests_with_all_their_approvals()
    {
        var keyId = SampleEntries.NewKeyId();
        var first = CreateRequest(keyId, SampleEntries.Start);
        var second = CreateRequest(keyId, SampleEntries.Start.AddMinutes(1));
        var third = Approved(CreateRequest(keyId, SampleEntries.Start.AddMinutes(2)));

        var one = Assert.Single(Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId, Last = 1 }));
        Assert.Equal(third.RequestId, one.RequestId);
        Assert.Equal([Bob, Carol], one.Approvals.Select(a => a.ApprovedBy)); // Last counts requests, not approval rows
        Assert.Equal([third.RequestId, second.RequestId],
            Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId, Last = 2 }).Select(r => r.RequestId));
        Assert.Equal([third.RequestId, second.RequestId, first.RequestId],
            Store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId, Last = 3 }).Select(r => r.RequestId));
        Assert.Equal([second.RequestId], Store.FindRecoveryRequests(new RecoveryRequestQuery
        {
            KeyId = keyId, Statuses = new HashSet<RecoveryRequestStatus> { RecoveryRequestStatus.Pending }, Last = 1,
        }).Select(r => r.RequestId)); // the limit applies after the status filter
    }

    [StoreFact]
    public void FindRecoveryRequests_refuses_a_malformed_query()
    {
        RecoveryRequestQuery[] malformed =
        [
            new() { Last = 0 }, new() { Last = RecoveryRequestQuery.MaxLast + 1 }, new() { Statuses = new HashSet<RecoveryRequestStatus>() },
            new() { Statuses = new HashSet<RecoveryRequestStatus> { (RecoveryRequestStatus)42 } }, new() { KeyId = " " },
            new() { ChangeId = "" }, new() { RequestId = Guid.Empty },
        ];
        foreach (var query in malformed)
        {
            var error = Assert.Throws<AuditStoreException>(() => Store.FindRecoveryRequests(query));
            Assert.Equal(AuditErrorCodes.InvalidRecoveryRequest, error.Code);
        }
        Assert.Single(Store.FindRecoveryRequests(new RecoveryRequestQuery
        {
            RequestId = CreateRequest(SampleEntries.NewKeyId(), SampleEntries.Start).RequestId, Last = RecoveryRequestQuery.MaxLast,
        }));
    }

    [StoreFact]
    public void FindRecoveryRequests_with_AsOfUtc_reports_and_filters_expired_requests_without_writing()
    {
        var keyId = SampleEntries.NewKeyId();
        var t = SampleEntries.Start;
        var pending = CreateRequest(keyId, t);                                                 // expires t + 24 h
        var approved = Approved(CreateRequest(keyId, t.AddHours(1)));                          // expires t + 25 h
        var completed = Store.SetRecoveryRequestStatus(Approved(CreateRequest(keyId, t.AddHours(2))).RequestId, RecoveryRequestStatus.Completed);
        var cancelled = Store.SetRecoveryRequestStatus(CreateRequest(keyId, t.AddHours(3)).RequestId, RecoveryRequestStatus.Cancelled);

        Dictionary<Guid, RecoveryRequestStatus> StatusesAsOf(DateTimeOffset? asOf) => Store
            .FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId, AsOfUtc = asOf })
            .ToDictionary(r => r.RequestId, r => r.Status);

        var before = StatusesAsOf(t.AddHours(23));
        Assert.Equal(RecoveryRequestStatus.Pending, before[pending.RequestId]);
        Assert.Equal(RecoveryRequestStatus.Approved, before[approved.RequestId]);

        var atPendingExpiry = StatusesAsOf(pending.ExpiresAtUtc); // the boundary at which an approval is refused
        Assert.Equal(RecoveryRequestStatus.Expired, atPendingExpiry[pending.RequestId]);
        Assert.Equal(RecoveryRequestStatus.Approved, atPendingExpiry[approved.RequestId]);

        var later = StatusesAsOf(t.AddDays(3));
        Assert.Equal(RecoveryRequestStatus.Expired, later[pending.RequestId]);
        Assert.Equal(RecoveryRequestStatus.Expired, later[approved.RequestId]);
        Assert.Equal(RecoveryRequestStatus.Completed, later[completed.RequestId]);
        Assert.Equal(RecoveryRequestStatus.Cancelled, later[cancelled.RequestId]);

        var stored = StatusesAsOf(null);
        Assert.Equal(RecoveryRequestStatus.Pending, stored[pending.RequestId]);
        Assert.Equal(RecoveryRequestStatus.Approved, stored[approved.RequestId]);
        Assert.Equal(RecoveryRequestStatus.Pending, Store.GetRecoveryRequest(pending.RequestId)!.Status); // nothing written

        RecoveryRequestQuery Filter(DateTimeOffset? asOf, params RecoveryRequestStatus[] statuses) =>
            new() { KeyId = keyId, AsOfUtc = asOf, Statuses = statuses.ToHashSet() };
        var expired = Store.FindRecoveryRequests(Filter(t.AddDays(3), RecoveryRequestStatus.Expired));
        Assert.Equal([approved.RequestId, pending.RequestId], expired.Select(r => r.RequestId));
        Assert.Equal([Bob, Carol], expired[0].Approvals.Select(a => a.ApprovedBy));
        Assert.Empty(Store.FindRecoveryRequests(Filter(t.AddDays(3), RecoveryRequestStatus.Pending, RecoveryRequestStatus.Approved)));
        Assert.Equal([approved.RequestId], Store.FindRecoveryRequests(Filter(t.AddHours(24).AddMinutes(30),
            RecoveryRequestStatus.Pending, RecoveryRequestStatus.Approved)).Select(r => r.RequestId));
        Assert.Empty(Store.FindRecoveryRequests(Filter(null, RecoveryRequestStatus.Expired)));
        Assert.Equal([approved.RequestId, pending.RequestId],
            Store.FindRecoveryRequests(Filter(null, RecoveryRequestStatus.Pending, RecoveryRequestStatus.Approved)).Select(r => r.RequestId));
    }

    [StoreFact]
    public void GetRevokedSince_is_null_for_a_key_without_a_successful_revocation()
    {
        var environment = SampleEntries.NewEnvironment();
        var keyId = SampleEntries.NewKeyId();
        Assert.Null(Store.GetRevokedSince(keyId));

        AppendOperation(environment, keyId, AuditOperations.Rotate, SampleEntries.Start);
        AppendOperation(environment, keyId, AuditOperations.Revoke, SampleEntries.Start.AddHours(1), AuditOutcome.Failed);
        AppendOperation(environment, keyId, AuditOperations.ScheduleDeletion, SampleEntries.Start.AddHours(2), AuditOutcome.Cancelled);
        Store.Append(SampleEntries.Started(environment, keyId) with { OccurredAtUtc = SampleEntries.Start.AddHours(3) }); // never completed
        Assert.Equal(7, Store.Query(new AuditQuery { KeyId = keyId }).Count); // the rows are there, none of them counts
        Assert.Null(Store.GetRevokedSince(keyId));
        Assert.Throws<AuditStoreException>(() => Store.GetRevokedSince(" "));
    }

    [StoreFact]
    public void GetRevokedSince_is_the_first_of_repeated_revocations_ignoring_started_and_failed_rows()
    {
        var environment = SampleEntries.NewEnvironment();
        var keyId = SampleEntries.NewKeyId();
        var otherKey = SampleEntries.NewKeyId();
        AppendOperation(environment, keyId, AuditOperations.Revoke, SampleEntries.Start, AuditOutcome.Failed);
        Store.Append(SampleEntries.Started(environment, keyId) with { OccurredAtUtc = SampleEntries.Start.AddHours(1) });
        var first = AppendOperation(environment, keyId, AuditOperations.Revoke, SampleEntries.Start.AddDays(1));
        var rerun = AppendOperation(environment, keyId, AuditOperations.Revoke, SampleEntries.Start.AddDays(3));
        AppendOperation(environment, otherKey, AuditOperations.Revoke, SampleEntries.Start.AddHours(2));

        Assert.True(rerun.OccurredAtUtc > first.OccurredAtUtc);
        Assert.Equal(first.OccurredAtUtc, Store.GetRevokedSince(keyId)); // the Completed row's time, not its Started row's
        Assert.Equal(SampleEntries.Start.AddHours(2).AddMilliseconds(850), Store.GetRevokedSince(otherKey));
        Assert.Null(Store.GetRevokedSince(first.Alias!)); // matched on the resolved KeyId only
    }

    [StoreFact]
    public void FindInterrupted_lists_old_Started_rows_without_a_Completed_row_of_the_environment_oldest_first()
    {
        var environment = SampleEntries.NewEnvironment();
        var keyId = SampleEntries.NewKeyId();
        var t = SampleEntries.Start;
        AppendOperation(environment, keyId, AuditOperations.Revoke, t);                                    // completed: not listed
        var lost = Store.Append(SampleEntries.Started(environment, keyId) with { OccurredAtUtc = t.AddMinutes(10) });
        var older = Store.Append(SampleEntries.Started(environment, SampleEntries.NewKeyId(), AuditOperations.Recover) with { OccurredAtUtc = t.AddMinutes(5) });
        Store.Append(SampleEntries.Started(environment, keyId) with { OccurredAtUtc = t.AddMinutes(30) });   // too young
        Store.Append(SampleEntries.Started(SampleEntries.NewEnvironment(), keyId) with { OccurredAtUtc = t.AddMinutes(10) }); // other environment

        var found = Store.FindInterrupted(environment, t.AddMinutes(20), 100);

        Assert.Equal(new[] { older.AuditId, lost.AuditId }, found.Select(r => r.AuditId));
        Assert.Equal(AuditPhase.Started, found[1].Phase);
        Assert.Single(Store.FindInterrupted(environment, t.AddMinutes(20), 1));
        Assert.Throws<AuditStoreException>(() => Store.FindInterrupted(environment, t, 0));
    }

    [StoreFact]
    public void A_RECONCILE_Completed_row_closes_the_interrupted_operation_and_a_revocation_it_found_done_counts_from_its_start()
    {
        var environment = SampleEntries.NewEnvironment();
        var keyId = SampleEntries.NewKeyId();
        var t = SampleEntries.Start;
        var interrupted = Store.Append(SampleEntries.Started(environment, keyId) with { OccurredAtUtc = t });
        var rerun = AppendOperation(environment, keyId, AuditOperations.Revoke, t.AddDays(1));   // "already revoked" later
        Assert.Equal(rerun.OccurredAtUtc, Store.GetRevokedSince(keyId));

        var reconcileStarted = SampleEntries.Started(environment, keyId, AuditOperations.Reconcile) with
        {
            OperationId = interrupted.OperationId, OccurredAtUtc = t.AddDays(1).AddHours(1),
        };
        Store.Append(reconcileStarted);
        Store.Append(SampleEntries.Completed(reconcileStarted));

        Assert.Empty(Store.FindInterrupted(environment, t.AddDays(2), 100));
        Assert.Equal(interrupted.OccurredAtUtc, Store.GetRevokedSince(keyId));   // the interrupted revocation's Started time

        var notDone = SampleEntries.NewKeyId();
        var lost = Store.Append(SampleEntries.Started(environment, notDone) with { OccurredAtUtc = t });
        var failed = SampleEntries.Started(environment, notDone, AuditOperations.Reconcile) with { OperationId = lost.OperationId, OccurredAtUtc = t.AddHours(1) };
        Store.Append(failed);
        Store.Append(SampleEntries.Completed(failed, AuditOutcome.Failed));
        Assert.Null(Store.GetRevokedSince(notDone));   // found not revoked: no revocation began
    }

    [StoreFact]
    public void GetRevokedSince_starts_anew_after_a_successful_recovery()
    {
        var environment = SampleEntries.NewEnvironment();
        var keyId = SampleEntries.NewKeyId();
        var t = SampleEntries.Start;
        AppendOperation(environment, keyId, AuditOperations.Revoke, t);
        AppendOperation(environment, keyId, AuditOperations.Revoke, t.AddDays(1));
        AppendOperation(environment, keyId, AuditOperations.Recover, t.AddDays(2));
        Assert.Null(Store.GetRevokedSince(keyId)); // recovered: not revoked any more

        AppendOperation(environment, keyId, AuditOperations.Recover, t.AddDays(3), AuditOutcome.Failed);
        var again = AppendOperation(environment, keyId, AuditOperations.Revoke, t.AddDays(4));
        AppendOperation(environment, keyId, AuditOperations.Revoke, t.AddDays(5));
        AppendOperation(environment, keyId, AuditOperations.Recover, t.AddDays(6), AuditOutcome.Failed); // a failed recovery ends nothing
        Assert.Equal(again.OccurredAtUtc, Store.GetRevokedSince(keyId));

        var sameInstant = SampleEntries.NewKeyId();
        var revoked = AppendOperation(environment, sameInstant, AuditOperations.Revoke, t);
        var recovered = AppendOperation(environment, sameInstant, AuditOperations.Recover, t);
        Assert.Equal(revoked.OccurredAtUtc, recovered.OccurredAtUtc);
        Assert.Null(Store.GetRevokedSince(sameInstant)); // a recovery at the very instant of the revocation ends it
    }

    [StoreFact]
    public void GetRevokedSince_counts_a_scheduled_deletion_as_a_revocation()
    {
        var environment = SampleEntries.NewEnvironment();
        var scheduledOnly = SampleEntries.NewKeyId();
        var scheduled = AppendOperation(environment, scheduledOnly, AuditOperations.ScheduleDeletion, SampleEntries.Start.AddHours(5));
        Assert.Equal(scheduled.OccurredAtUtc, Store.GetRevokedSince(scheduledOnly));

        var revokedThenScheduled = SampleEntries.NewKeyId();
        var revoked = AppendOperation(environment, revokedThenScheduled, AuditOperations.Revoke, SampleEntries.Start);
        AppendOperation(environment, revokedThenScheduled, AuditOperations.ScheduleDeletion, SampleEntries.Start.AddDays(2));
        Assert.Equal(revoked.OccurredAtUtc, Store.GetRevokedSince(revokedThenScheduled));

        var recoveredThenScheduled = SampleEntries.NewKeyId();
        AppendOperation(environment, recoveredThenScheduled, AuditOperations.Revoke, SampleEntries.Start);
        AppendOperation(environment, recoveredThenScheduled, AuditOperations.Recover, SampleEntries.Start.AddDays(1));
        var deletion = AppendOperation(environment, recoveredThenScheduled, AuditOperations.ScheduleDeletion, SampleEntries.Start.AddDays(2));
        Assert.Equal(deletion.OccurredAtUtc, Store.GetRevokedSince(recoveredThenScheduled));
    }

    /// <summary>Appends the Started and Completed rows of one operation (Started at <paramref name="at"/>); returns the Completed row.</summary>
    private AuditRecord AppendOperation(string environment, string keyId, string operation, DateTimeOffset at, AuditOutcome outcome = AuditOutcome.Succeeded)
    {
        var started = SampleEntries.Started(environment, keyId, operation) with { OccurredAtUtc = at };
        Store.Append(started);
        return Store.Append(SampleEntries.Completed(started, outcome));
    }

    private RecoveryRequest CreateRequest(string keyId, DateTimeOffset requestedAt, string changeId = "CHG-2026-0107") =>
        Store.CreateRecoveryRequest(new NewRecoveryRequest
        {
            KeyId = keyId, KeyArn = "arn:aws:kms:eu-west-1:111122223333:key/" + keyId, Alias = "alias/REC_" + keyId.Replace("-", ""),
            ChangeId = changeId, Reason = "restore after false-positive revocation", RequestedBy = Alice, RequestedAtUtc = requestedAt,
        });

    /// <summary>Approves by Bob and Carol (two minutes apart, well before expiry): the request becomes Approved.</summary>
    private RecoveryRequest Approved(RecoveryRequest request)
    {
        Store.ApproveRecoveryRequest(request.RequestId, Bob, request.RequestedAtUtc.AddMinutes(1));
        var approved = Store.ApproveRecoveryRequest(request.RequestId, Carol, request.RequestedAtUtc.AddMinutes(3));
        Assert.Equal(RecoveryRequestStatus.Approved, approved.Status);
        return approved;
    }

    private static string UniqueChangeId() => "CHANGE-2026-" + Random.Shared.Next(0, 1_000_000).ToString("D6");

    private static void AssertSameRequest(RecoveryRequest expected, RecoveryRequest actual)
    {
        Assert.Equal(expected with { Approvals = [] }, actual with { Approvals = [] });
        Assert.Equal(expected.Approvals, actual.Approvals);
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
