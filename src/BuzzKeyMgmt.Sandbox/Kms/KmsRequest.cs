using System.Text.Json;

namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>Typed access to one awsJson1_1 request body, raising KMS's own Serialization and Validation errors.</summary>
internal sealed class KmsRequest : IDisposable
{
    private readonly JsonDocument _doc;

    private KmsRequest(JsonDocument doc, string callerArn)
    {
        _doc = doc;
        CallerArn = callerArn;
    }

    /// <summary>The authenticated caller (as the host resolved it), used in AccessDenied messages.</summary>
    public string CallerArn { get; }

    public static KmsRequest Parse(ReadOnlySpan<byte> body, string callerArn)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body.IsEmpty ? "{}"u8 : body);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            throw KmsException.Serialization("Start of structure or map found where not expected.");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw KmsException.Serialization("Start of structure or map found where not expected.");
        }
        return new KmsRequest(doc, callerArn);
    }

    private JsonElement Root => _doc.RootElement;

    private static string Member(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    public string? String(string name, bool required = false, int min = 1, int max = 2048)
    {
        if (!Root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw KmsException.Missing(Member(name)) : null;
        if (v.ValueKind != JsonValueKind.String) throw KmsException.Serialization($"Expected a string for '{name}'.");
        var s = v.GetString()!;
        if (s.Length < min) throw KmsException.Validation($"'{s}'", Member(name), $"Member must have length greater than or equal to {min}");
        if (s.Length > max) throw KmsException.Validation($"'{s[..Math.Min(s.Length, 40)]}…'", Member(name), $"Member must have length less than or equal to {max}");
        return s;
    }

    public int? Int(string name, int min, int max)
    {
        if (!Root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i)) throw KmsException.Serialization($"Expected an integer for '{name}'.");
        if (i < min) throw KmsException.Validation($"'{i}'", Member(name), $"Member must have value greater than or equal to {min}");
        if (i > max) throw KmsException.Validation($"'{i}'", Member(name), $"Member must have value less than or equal to {max}");
        return i;
    }

    public byte[]? Blob(string name, bool required, int min, int max)
    {
        var text = String(name, required, 0, int.MaxValue);
        if (text is null) return null;
        byte[] bytes;
        try { bytes = Convert.FromBase64String(text); }
        catch (FormatException) { throw KmsException.Serialization($"'{name}' is not valid base64."); }
        if (bytes.Length < min) throw KmsException.Validation("'java.nio.HeapByteBuffer'", Member(name), $"Member must have length greater than or equal to {min}");
        if (bytes.Length > max) throw KmsException.Validation("'java.nio.HeapByteBuffer'", Member(name), $"Member must have length less than or equal to {max}");
        return bytes;
    }

    public Dictionary<string, string> StringMap(string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return map;
        if (v.ValueKind != JsonValueKind.Object) throw KmsException.Serialization($"Expected a map for '{name}'.");
        foreach (var p in v.EnumerateObject())
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw KmsException.Serialization($"Expected string values in '{name}'.");
        return map;
    }

    public List<(string Key, string Value)> Tags(string name)
    {
        var tags = new List<(string, string)>();
        if (!Root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return tags;
        if (v.ValueKind != JsonValueKind.Array) throw KmsException.Serialization($"Expected a list for '{name}'.");
        var index = 0;
        foreach (var t in v.EnumerateArray())
        {
            index++;
            if (t.ValueKind != JsonValueKind.Object) throw KmsException.Serialization($"Expected a structure in '{name}'.");
            var key = TagMember(t, "TagKey", $"tags.{index}.member.tagKey", 1, 128);
            var value = TagMember(t, "TagValue", $"tags.{index}.member.tagValue", 0, 256);
            tags.Add((key, value));
        }
        return tags;
    }

    private static string TagMember(JsonElement tag, string name, string member, int min, int max)
    {
        if (!tag.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw KmsException.Missing(member);
        if (v.ValueKind != JsonValueKind.String) throw KmsException.Serialization($"Expected a string for '{name}'.");
        var s = v.GetString()!;
        if (s.Length < min) throw KmsException.Validation($"'{s}'", member, $"Member must have length greater than or equal to {min}");
        if (s.Length > max) throw KmsException.Validation($"'{s[..40]}…'", member, $"Member must have length less than or equal to {max}");
        return s;
    }

    public List<string> StringList(string name, bool required)
    {
        if (!Root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw KmsException.Missing(Member(name)) : new List<string>();
        if (v.ValueKind != JsonValueKind.Array) throw KmsException.Serialization($"Expected a list for '{name}'.");
        return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw KmsException.Serialization($"Expected strings in '{name}'.")).ToList();
    }

    public void Dispose() => _doc.Dispose();
}
