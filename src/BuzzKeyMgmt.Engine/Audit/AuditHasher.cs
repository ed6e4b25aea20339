using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// Canonical serialisation and SHA-256 of an audit row (format "v1", documented in sql/README.md).
/// <para>
/// The canonical form is the text <c>v1</c> followed, for each field in this fixed order, by <c>|</c> and the field's
/// encoding: Sequence, AuditId, OperationId, OccurredAtUtc, Environment, Operation, Phase, Outcome, KeyId, KeyArn,
/// Alias, IncidentId, ChangeId, Reason, IsEmergency, OperatorArn, OperatorName, ClientHost, ClientAddress, Approvals,
/// DurationMs, ErrorCode, ErrorMessage, AlertMessageId, Details, PreviousHash.
/// A null field is encoded as <c>~</c>; any other value as <c>N:value</c> where N is the decimal count of the UTF-8
/// bytes of value (so no separator or escape can be forged). Values: integers in invariant decimal; GUIDs lowercase
/// "D" form; timestamps UTC <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>; booleans <c>1</c>/<c>0</c>; Phase and Outcome by
/// name; PreviousHash lowercase hex. RowHash is the lowercase hex SHA-256 of the UTF-8 bytes of that text.
/// </para>
/// </summary>
public static class AuditHasher
{
    /// <summary>PreviousHash of the first row of a chain.</summary>
    public static readonly string GenesisHash = new('0', 64);

    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    [ThreadStatic] private static StringBuilder? _builder;

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string text) =>
        new(DateTime.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    /// <summary>The canonical text of a row at a given chain position.</summary>
    public static string Canonicalize(AuditFields row, long sequence, string previousHash)
    {
        var sb = _builder ??= new StringBuilder(1024);
        sb.Clear();
        sb.Append("v1");
        Add(sb, sequence.ToString(CultureInfo.InvariantCulture));
        Add(sb, row.AuditId.ToString("D"));
        Add(sb, row.OperationId.ToString("D"));
        Add(sb, FormatTimestamp(row.OccurredAtUtc));
        Add(sb, row.Environment);
        Add(sb, row.Operation);
        Add(sb, row.Phase.ToString());
        Add(sb, row.Outcome.ToString());
        Add(sb, row.KeyId);
        Add(sb, row.KeyArn);
        Add(sb, row.Alias);
        Add(sb, row.IncidentId);
        Add(sb, row.ChangeId);
        Add(sb, row.Reason);
        Add(sb, row.IsEmergency ? "1" : "0");
        Add(sb, row.OperatorArn);
        Add(sb, row.OperatorName);
        Add(sb, row.ClientHost);
        Add(sb, row.ClientAddress);
        Add(sb, row.Approvals);
        Add(sb, row.DurationMs?.ToString(CultureInfo.InvariantCulture));
        Add(sb, row.ErrorCode);
        Add(sb, row.ErrorMessage);
        Add(sb, row.AlertMessageId);
        Add(sb, row.Details);
        Add(sb, previousHash);
        return sb.ToString();
    }

    /// <summary>Lowercase hex SHA-256 over the canonical text of the row.</summary>
    public static string ComputeRowHash(AuditFields row, long sequence, string previousHash) =>
        Sha256Hex(Canonicalize(row, sequence, previousHash));

    public static string Sha256Hex(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var count = Encoding.UTF8.GetBytes(text, rented);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, count), hash);
            return Convert.ToHexString(hash).ToLowerInvariant();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Add(StringBuilder sb, string? value)
    {
        sb.Append('|');
        if (value is null)
        {
            sb.Append('~');
            return;
        }
        sb.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
    }
}
