using System.Text.RegularExpressions;

namespace BuzzKeyMgmt.Engine.Kms;

public enum KeyReferenceKind
{
    KeyId,
    KeyArn,
    AliasName,
    AliasArn,
}

/// <summary>A way of naming a KMS key: key id, key ARN, alias name or alias ARN.</summary>
public sealed partial record KeyReference(string Value, KeyReferenceKind Kind)
{
    public const string AcceptedForms =
        "a key id (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-…), a key ARN (arn:aws:kms:us-east-1:111122223333:key/<key id>), " +
        "an alias name (alias/ExampleAlias) or an alias ARN (arn:aws:kms:us-east-1:111122223333:alias/ExampleAlias)";

    private const string Id = @"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})";
    private const string Arn = @"arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:";
    private const string AliasBody = @"alias/[a-zA-Z0-9/_-]{1,250}";

    [GeneratedRegex("^" + Id + @"\z")] private static partial Regex KeyIdPattern();
    [GeneratedRegex("^" + Arn + "key/" + Id + @"\z")] private static partial Regex KeyArnPattern();
    [GeneratedRegex("^" + AliasBody + @"\z")] private static partial Regex AliasNamePattern();
    [GeneratedRegex("^" + Arn + AliasBody + @"\z")] private static partial Regex AliasArnPattern();

    public static bool TryParse(string? text, out KeyReference? reference)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var kind = KeyIdPattern().IsMatch(text) ? KeyReferenceKind.KeyId
            : KeyArnPattern().IsMatch(text) ? KeyReferenceKind.KeyArn
            : AliasNamePattern().IsMatch(text) ? KeyReferenceKind.AliasName
            : AliasArnPattern().IsMatch(text) ? KeyReferenceKind.AliasArn
            : (KeyReferenceKind?)null;
        if (kind is null) return false;
        reference = new KeyReference(text, kind.Value);
        return true;
    }

    public static KeyReference Parse(string text) =>
        TryParse(text, out var reference) ? reference!
            : throw new KeyMgmtException("InvalidKeyReference", FailureKind.InvalidArgument,
                $"'{text}' is not a KMS key reference. Expected {AcceptedForms}.");

    public bool IsAlias => Kind is KeyReferenceKind.AliasName or KeyReferenceKind.AliasArn;

    /// <summary>False for an ARN of another account or Region: KMS there can only answer NotFound. A key id or an alias
    /// name may be in any account-Region.</summary>
    public bool CanBeIn(string accountId, string region) =>
        Kind is not (KeyReferenceKind.KeyArn or KeyReferenceKind.AliasArn)
        || (ArnParts.Account(Value) == accountId && string.Equals(ArnParts.Region(Value), region, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why a key ARN of another account-Region is refused in an environment, before any AWS call.</summary>
    public KeyMgmtException NotIn(string environment, string accountId, string region) => new("KeyNotInEnvironment", FailureKind.InvalidArgument,
        $"'{Value}' names a key in account {ArnParts.Account(Value)}, Region {ArnParts.Region(Value)}; environment '{environment}' is account {accountId}, Region {region}.",
        "Read it in the environment of that account and Region (-Environment, or Connect-KeyManagement to it).");

    /// <summary>The alias name (alias/x) of an alias reference.</summary>
    public string? AliasName => Kind switch
    {
        KeyReferenceKind.AliasName => Value,
        KeyReferenceKind.AliasArn => Value[(Value.IndexOf(":alias/", StringComparison.Ordinal) + 1)..],
        _ => null,
    };

    public override string ToString() => Value;
}
