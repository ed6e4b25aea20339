using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// A store that could not even be opened (an invalid connection string, an unknown provider): every call fails with the
/// reason, as an unreachable store does, so an operation's trail still exists and an emergency's rows go to the journal
/// instead of the revocation stopping before it began.
/// </summary>
internal sealed class UnopenedAuditStore(string provider, string reason) : IAuditStore
{
    public string Provider => provider;

    private AuditStoreUnavailableException Fail() => new($"The {provider} audit store could not be opened: {reason}");

    public IReadOnlyList<int> Migrate() => throw Fail();
    public AuditRecord Append(AuditEntry entry) => throw Fail();
    public bool Contains(Guid auditId) => throw Fail();
    public IReadOnlyList<AuditRecord> Query(AuditQuery query) => throw Fail();
    public IEnumerable<AuditRecord> ReadChain() => throw Fail();
    public ChainVerification VerifyChain() => throw Fail();
    public void UpsertKeyStatus(KeyStatusRecord status) => throw Fail();
    public void UpsertKeyStatuses(IReadOnlyCollection<KeyStatusRecord> statuses) => throw Fail();
    public KeyStatusRecord? GetKeyStatus(string keyIdAliasOrArn) => throw Fail();
    public IReadOnlyList<AuditRecord> FindInterrupted(string environment, DateTimeOffset startedBefore, int max) => throw Fail();
    public IReadOnlyList<KeyStatusRecord> GetKeyStatuses() => throw Fail();
    public IReadOnlyList<KeyRotationDue> GetKeysDueForRotation(DateTimeOffset asOfUtc, int withinDays) => throw Fail();
    public PolicySettings GetPolicy() => throw Fail();
    public RecoveryRequest CreateRecoveryRequest(NewRecoveryRequest request) => throw Fail();
    public RecoveryRequest ApproveRecoveryRequest(Guid requestId, string approvedBy, DateTimeOffset approvedAtUtc) => throw Fail();
    public RecoveryRequest? GetRecoveryRequest(Guid requestId) => throw Fail();
    public IReadOnlyList<RecoveryRequest> FindRecoveryRequests(RecoveryRequestQuery query) => throw Fail();
    public RecoveryRequest SetRecoveryRequestStatus(Guid requestId, RecoveryRequestStatus status) => throw Fail();
    public DateTimeOffset? GetRevokedSince(string keyId) => throw Fail();

    public AuditStoreDescription Describe() =>
        new() { Provider = provider, Target = "", Reachable = false, Error = Fail().Message };

    public override string ToString() => $"{provider} audit store (not opened)";
}
