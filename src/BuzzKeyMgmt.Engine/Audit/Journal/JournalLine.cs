using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuzzKeyMgmt.Engine.Audit.Journal;

/// <summary>One line of the local journal (JSON Lines): the entry with its journal-local chain position.</summary>
internal sealed record JournalLine(long Sequence, string PreviousHash, string RowHash, AuditEntry Entry)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    public string Serialize() => JsonSerializer.Serialize(this, Options);

    public static JournalLine? TryParse(string text)
    {
        try
        {
            var line = JsonSerializer.Deserialize<JournalLine>(text, Options);
            return line is { Entry: not null, PreviousHash: not null, RowHash: not null } ? line : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public AuditRecord ToRecord() => new(Entry, Sequence, PreviousHash, RowHash);
}
