namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Stable error codes of the audit store (cmdlets map them to error ids).</summary>
public static class AuditErrorCodes
{
    public const string StoreUnavailable = "AuditStoreUnavailable";
    public const string InvalidAuditEntry = "InvalidAuditEntry";
    public const string ChainConflict = "AuditChainConflict";
    public const string AppendOnlyViolation = "AuditAppendOnlyViolation";
    public const string RecoveryRequestNotFound = "RecoveryRequestNotFound";
    public const string RecoveryRequestNotPending = "RecoveryRequestNotPending";
    public const string RecoveryRequestExpired = "RecoveryRequestExpired";
    public const string DuplicateApproval = "DuplicateApproval";
    public const string SelfApproval = "SelfApproval";
    public const string InvalidRecoveryRequest = "InvalidRecoveryRequest";
    public const string InvalidPolicy = "InvalidPolicy";
    public const string StoreFailure = "AuditStoreFailure";
    public const string JournalFailure = "AuditJournalFailure";
}

/// <summary>A domain error of the audit store. Messages never contain connection-string secrets.</summary>
public class AuditStoreException : Exception
{
    public AuditStoreException(string code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    /// <summary>Stable code from <see cref="AuditErrorCodes"/>.</summary>
    public string Code { get; }
}

/// <summary>The store cannot be reached (file gone, server down, login refused): callers may journal instead.</summary>
public sealed class AuditStoreUnavailableException : AuditStoreException
{
    public AuditStoreUnavailableException(string message, Exception? inner = null)
        : base(AuditErrorCodes.StoreUnavailable, message, inner) { }
}
