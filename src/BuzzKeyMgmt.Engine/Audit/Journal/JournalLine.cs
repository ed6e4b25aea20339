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
            // Source-generated reader, same options: a replay of thousands of lines is spent parsing them.
            var line = JsonSerializer.Deserialize(text, JournalLineJson.Default.JournalLine);
            return line is { Entry: not null, PreviousHash: not null, RowHash: not null } ? line : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public AuditRecord ToRecord() => new(Entry, Sequence, PreviousHash, RowHash);
}

/// <summary>The source-generated reader of <see cref="JournalLine"/> (the options of <see cref="JournalLine.Serialize"/>).</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(JournalLine))]
internal sealed partial class JournalLineJson : JsonSerializerContext;
