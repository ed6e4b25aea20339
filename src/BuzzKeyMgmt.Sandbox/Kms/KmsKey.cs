using System.Security.Cryptography;

namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>One rotation in a key's history.</summary>
public sealed record RotationEntry(string KeyMaterialId, DateTimeOffset RotationDate, string RotationType);

/// <summary>
/// One emulated KMS key. Mutable under its own lock (<see cref="Gate"/>): the store hands out snapshots for reads.
/// Key material is versioned: index 0 is the original, each rotation appends one; encryption uses the newest.
/// The rotation schedule (automatic, on-demand, re-enabling) is in KmsKey.Rotation.cs.
/// </summary>
public sealed partial class KmsKey
{
    public const string StateEnabled = "Enabled", StateDisabled = "Disabled", StatePendingDeletion = "PendingDeletion";

    public KmsKey(string id, string arn, long sequence, DateTimeOffset created, string keySpec, string keyUsage, string keyManager, string? description)
    {
        Id = id;
        Arn = arn;
        Sequence = sequence;
        CreationDate = created;
        KeySpec = keySpec;
        KeyUsage = keyUsage;
        KeyManager = keyManager;
        Description = description ?? "";
        if (keySpec == "SYMMETRIC_DEFAULT") Materials.Add(RandomNumberGenerator.GetBytes(32));
    }

    public object Gate { get; } = new();
    public string Id { get; }
    public string Arn { get; }
    public long Sequence { get; }
    public DateTimeOffset CreationDate { get; }
    public string KeySpec { get; }
    public string KeyUsage { get; }
    public string KeyManager { get; }
    public string Origin => "AWS_KMS";
    public string Description { get; set; }
    public string State { get; set; } = StateEnabled;
    public DateTimeOffset? DeletionDate { get; set; }
    public int? PendingWindowInDays { get; set; }
    public bool Deleted { get; set; }
    public bool RotationEnabled { get; set; }
    public int RotationPeriodDays { get; set; } = 365;
    public DateTimeOffset? NextRotationDate { get; set; }
    /// <summary>On-demand rotations requested over the key's life (the one in progress included).</summary>
    public int OnDemandRotations { get; set; }
    public List<byte[]> Materials { get; } = new();
    public List<RotationEntry> Rotations { get; } = new();
    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    private RSA? _rsa;

    /// <summary>The RSA key pair, generated on first use (generation is slow, listing keys must not pay for it).</summary>
    public RSA Rsa => _rsa ??= RSA.Create(int.Parse(KeySpec["RSA_".Length..]));

    public bool IsSymmetric => KeySpec == "SYMMETRIC_DEFAULT";
    public bool IsAwsManaged => KeyManager == "AWS";

    public string MaterialId(int index) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Id}/{index}"))).ToLowerInvariant();
}
