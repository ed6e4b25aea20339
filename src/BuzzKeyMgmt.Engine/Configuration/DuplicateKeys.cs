using System.Text;
using System.Text.Json;

namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>
/// Refuses a key written twice in one object of the environments file. JSON leaves duplicates undefined and
/// System.Text.Json keeps the last one, so <c>"production": true, "production": false</c> would quietly make a production
/// environment a non-production one. The error names the line of the second occurrence, the first one's, and the key.
/// </summary>
internal static class DuplicateKeys
{
    /// <summary>Throws <see cref="ConfigurationException"/> at the first key that repeats within its object (names are
    /// compared after JSON unescaping, ordinally: "\u0070roduction" is "production"). Call on text that already parsed.</summary>
    public static void Check(string json, string file)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        // One frame per open container: the keys seen so far (null for an array) and the object's path.
        var frames = new Stack<(Dictionary<string, long>? Keys, string Path)>();
        string? pendingKey = null;
        var lines = new LineCounter(bytes);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    frames.Push((new Dictionary<string, long>(StringComparer.Ordinal), Child(frames, pendingKey)));
                    pendingKey = null;
                    break;
                case JsonTokenType.StartArray:
                    frames.Push((null, Child(frames, pendingKey)));
                    pendingKey = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    var (keys, path) = frames.Peek();
                    var line = lines.At(reader.TokenStartIndex);
                    if (keys!.TryGetValue(name, out var first))
                        throw new ConfigurationException(file, $"line {line}",
                            $"duplicate key '{DisplayText.Neutralize(Key(path, name))}' (first on line {first}); each key may appear once in an object, " +
                            "and which one would count is not defined: remove one of them");
                    keys[name] = line;
                    pendingKey = name;
                    break;
                default:
                    pendingKey = null;
                    break;
            }
        }
    }

    private static string Child(Stack<(Dictionary<string, long>? Keys, string Path)> frames, string? key) =>
        frames.Count == 0 ? "" : key is null ? frames.Peek().Path + "[]" : Key(frames.Peek().Path, key);

    private static string Key(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>Line numbers (1-based) of increasing positions, counted once through the text.</summary>
    private sealed class LineCounter(byte[] bytes)
    {
        private long _index;
        private long _line = 1;

        public long At(long index)
        {
            for (; _index < index; _index++)
                if (bytes[_index] == (byte)'\n') _line++;
            return _line;
        }
    }
}
