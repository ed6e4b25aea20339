@{
    Synopsis    = 'Verifies the audit hash chain and names the first broken link; with -Digests, verifies it against its signed digests and names what was done to it.'
    Description = @'
Each row holds the SHA-256 of its canonical content and of the previous row (sql/README.md documents the form). The walk
reports an altered, deleted or reordered row by its sequence and audit id, with a warning. -Journal checks the local
journal of rows waiting to be replayed instead. Then (not with -Journal or -Digests) it looks for operations that began
and never completed (a Started row older than -InterruptedAfter with no Completed row: the process was killed or died
between the AWS call and the Completed row); connected to that environment it reads each key and writes a RECONCILE
pair sharing the interrupted operation id, saying whether the change took effect (a revocation found done counts from
its Started time for the recovery window), and returns one ReconcileResult each; not connected, it lists them in a
warning.

A chain alone cannot tell what it lost at its end, or whether it was recomputed after an edit (the canonical form is
public), replaced by a new one, or restored from an older copy. After every audited operation a digest of the chain
(range of sequences, head hash, the previous digest's hash, time) is signed with a KMS key and written outside the
store, to the environment's digest folder (auditDigests in the environments file), and published with the alert.
-Digests verifies the store against those digests: the newest digest's signature (checked locally with the key's
public key from GetPublicKey, or with KMS VerifyMac for an HMAC key) covers every digest that links back to it, and
the store must hold, unchanged, every row they signed. By default only the newest digest is read (its signature and the
row hash chain prove every row up to it); older digests are read when something differs, to name it, or with
-AllDigests. The findings name what differs: TailRowsMissing (rows removed
from the end), Rollback (an older copy of the store restored, whether or not written to since), RewrittenChain (a row
edited and the chain recomputed), RecreatedStore (the store deleted or replaced and a new chain started),
DigestNotVerified (a digest altered, forged, or signed by another key), DigestChainBroken (a digest missing from the
folder), DigestUnreadable, ChainBroken (the store's own chain), and the warnings UndigestedRows and NoDigests. Each
error finding is also written as a warning. Reading the key needs KMS access: the current session of the store's
environment, -Session, or else a connection as the environment's base identity made for the check (kms:DescribeKey and
kms:GetPublicKey, or kms:VerifyMac, on the digest key).
'@
    Parameters  = @{
        Environment   = 'The environment whose audit store to verify; default: the current session''s, else the embedded default.'
        Journal       = 'Verify the local journal instead of the store.'
        InterruptedAfter = 'How old a Started row without a Completed row must be to count as interrupted (default 00:05:00; 0 to 7 days).'
        Digests       = 'The folder of the signed digests to verify the store against: the environment''s auditDigests.path (the sandbox: digests/<store name> beside its store), or a copy of it.'
        DigestKeyId   = 'The KMS key the digests must be signed by (key ARN, key id, alias name or alias ARN); default: the environment''s auditDigests.keyId. A digest signed by any other key does not verify.'
        AllDigests    = 'Read and hash-link every digest of the folder, not only the newest (whose signature, with the row hash chain, already proves every row up to it): finds an older digest altered or removed while the store is intact.'
        AllSignatures = 'Read every digest and check each one''s own signature (implies -AllDigests; the newest signature of each unbroken run already covers the ones before it).'
        Session       = 'A session (Connect-KeyManagement -NoSwitch, Get-KeyMgmtSession -Name) whose store to use (unless -Environment names another) and whose KMS access reads the digest key; default: the current session of the store''s environment, else a connection made for the check.'
    }
    Outputs     = 'ChainVerification: IsValid, RowsChecked, Break, BrokenSequence, BrokenAuditId, Problem, LastSequence, LastRowHash; then one ReconcileResult per interrupted operation reconciled (KeyId, Alias, InterruptedOperation, InterruptedOperationId, StartedAtUtc, StartedBy, Expected, FoundState, ChangeShows, Outcome, AuditId, Error). With -Digests: AnchoredChainVerification: IsValid, Findings (Kind, Severity, Detail, Sequence, DigestNumber, DigestFile), Chain, DigestFolder, DigestKeyArn, Mode, DigestsListed, DigestsRead, DigestsAuthenticated, SignaturesChecked, NewestDigest, StoreLastSequence, StoreLastRowHash, DurationMs.'
    Examples    = @(
        @{ Title = 'Check the trail before an audit'; Code = 'if (-not (Test-KeyAuditIntegrity | Select-Object -First 1).IsValid) { throw ''audit chain broken'' }'; Remarks = 'Fails a script when the chain is broken.'; Setup = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName' }
        @{
            Title   = 'Verify the chain against its signed digests'
            Code    = '$v = Test-KeyAuditIntegrity -Environment sandbox -Digests (Join-Path $env:XDG_DATA_HOME ''BuzzKeyMgmt/digests/audit''); $v.IsValid; $v.Findings | Format-Table Kind, Sequence, DigestNumber, Detail -Wrap'
            Remarks = 'The sandbox anchors its default store in digests/audit beside it, signed by alias/buzzkeymgmt-audit-digest. Empty Findings: the store holds every row the digests signed. For production: Test-KeyAuditIntegrity -Environment production -Digests /mnt/audit-digests/production.'
            Setup   = '$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) (New-Guid))).FullName; Start-KeyMgmtSandbox; $null = Add-KeyMgmtSandboxKey -Count 2 -AliasPrefix alias/CEK_User_; Connect-KeyManagement -Environment sandbox -Role Emergency -MfaCode (Get-KeyMgmtSandboxMfaCode) -IncidentId INC-2026-0042; $null = Revoke-EncryptionKey -KeyId alias/CEK_User_1 -IncidentId INC-2026-0042 -Reason ''drill'' -Force'
        }
    )
}
