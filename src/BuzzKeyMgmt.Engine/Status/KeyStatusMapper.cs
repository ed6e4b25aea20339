using Amazon.KeyManagementService.Model;

namespace BuzzKeyMgmt.Engine.Status;

/// <summary>Builds a <see cref="KeyStatus"/> from the SDK's answers.</summary>
internal static class KeyStatusMapper
{
    public static KeyStatus Map(KeyMetadata m, GetKeyRotationStatusResponse? rotation, IReadOnlyDictionary<string, string> tags,
        IReadOnlyList<string> aliases, DateTimeOffset? historyLast, bool historyAsked, string environment)
    {
        var created = Utc(m.CreationDate);
        var next = Utc(rotation?.NextRotationDate);
        var period = rotation?.RotationPeriodInDays;
        DateTimeOffset? last;
        bool derived;
        if (historyAsked)
        {
            last = historyLast;
            derived = false;
        }
        else
        {
            // NextRotationDate is one period after the last rotation (or after rotation was turned on).
            last = next is { } n && period is { } p && n.AddDays(-p) > created ? n.AddDays(-p) : null;
            derived = last is not null;
        }

        return new KeyStatus
        {
            KeyId = m.KeyId,
            Arn = m.Arn,
            Aliases = aliases,
            Description = string.IsNullOrEmpty(m.Description) ? null : m.Description,
            State = m.KeyState?.Value ?? "Unknown",
            Enabled = m.Enabled == true,
            KeySpec = m.KeySpec?.Value,
            KeyUsage = m.KeyUsage?.Value,
            Origin = m.Origin?.Value,
            KeyManager = m.KeyManager?.Value,
            CreationDate = created,
            RotationEnabled = rotation?.KeyRotationEnabled,
            RotationPeriodDays = rotation?.KeyRotationEnabled == true ? period : null,
            NextRotationDate = rotation?.KeyRotationEnabled == true ? next : null,
            LastRotationDate = rotation?.KeyRotationEnabled == true || historyAsked ? last : null,
            LastRotationDerived = derived && rotation?.KeyRotationEnabled == true,
            DeletionDate = Utc(m.DeletionDate),
            Tags = tags,
            Environment = environment,
        };
    }

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v
        ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime())
        : null;
}
