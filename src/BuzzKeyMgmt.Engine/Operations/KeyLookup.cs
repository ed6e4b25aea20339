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
        if (!key.CanBeIn(run.Session.AccountId, run.Session.Region))
        {
            // KMS here could only answer NotFound: no call is made (the attempt is still audited, then refused).
            run.Say($"Resolved {key.Value}: an ARN of account {ArnParts.Account(key.Value)}, Region {ArnParts.Region(key.Value)}, not this environment's (no call).");
            return new ResolvedKey(key.Value, null, key.AliasName, null);
        }
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
            $"{what}: no such key in environment '{run.Session.Environment}' (account {run.Session.AccountId}, {run.Session.Region}){Elsewhere(run)}.",
            "Check the key id or alias, and that it belongs to this account and Region (Get-KeyStatus -Alias '*' lists the aliases).");

    /// <summary>", the ARN names account A, Region R" when the operation's key is an ARN of another account-Region.</summary>
    private static string Elsewhere(OperationRun run) =>
        KeyReference.TryParse(run.Target.KeyId, out var key) && !key!.CanBeIn(run.Session.AccountId, run.Session.Region)
            ? $"; the ARN names account {ArnParts.Account(key.Value)}, Region {ArnParts.Region(key.Value)}: run it in that environment"
            : "";
}
