namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>An alias: its name (alias/x), the key it points at, and when it was made and last pointed elsewhere.</summary>
public sealed record KmsAlias(string Name, string TargetKeyId, DateTimeOffset CreationDate, DateTimeOffset LastUpdatedDate);
