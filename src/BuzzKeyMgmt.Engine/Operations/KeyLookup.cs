using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Operations;

/// <summary>What every key operation reads first: the key's metadata and the alias to show (the one named, else its
/// first alias); a key that does not exist gives null metadata rather than an exception, so the attempt can still be
/// audited before it is refused.</summary>
public static class KeyLookup
{
    public static async Task<ResolvedKey> ResolveAsync(OperationRun run, KeyReference key)
    {
        KeyMetadata metadata;
        try
        {
            metadata = (await run.KmsAsync("DescribeKey", (kms, t) => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Value }, t),
                quiet: true).ConfigureAwait(false)).KeyMetadata;
        }
        catch (NotFoundException)
        {
            run.Say($"Resolved {key.Value}: no such key (DescribeKey: NotFound).");
            return new ResolvedKey(key.Value, null, key.AliasName, null);
        }
        var described = run.LastCall;
        var alias = key.AliasName;
        if (alias is null)
        {
            var page = await run.KmsAsync("ListAliases", (kms, t) => kms.ListAliasesAsync(new ListAliasesRequest { KeyId = metadata.KeyId, Limit = 10 }, t),
                quiet: true).ConfigureAwait(false);
            described += "; " + run.LastCall;
            alias = page.Aliases?.Select(a => a.AliasName).OrderBy(n => n, StringComparer.Ordinal).FirstOrDefault();
        }
        run.Say($"Resolved {key.Value}: key {metadata.KeyId}{(alias is null ? "" : $" ({alias})")}, {metadata.KeyState} ({described}).");
        return new ResolvedKey(metadata.KeyId, metadata.Arn, alias, metadata);
    }

    /// <summary>KeyNotFound naming the environment, account and Region the key was looked for in (a key id from another
    /// account or Region is the usual cause), as Get-KeyStatus says it.</summary>
    public static KeyMgmtException NotFound(OperationRun run, string what) =>
        new("KeyNotFound", FailureKind.ObjectNotFound,
            $"{what}: no such key in environment '{run.Session.Environment}' (account {run.Session.AccountId}, {run.Session.Region}).",
            "Check the key id or alias, and that it belongs to this account and Region (Get-KeyStatus -Alias '*' lists the aliases).");
}
