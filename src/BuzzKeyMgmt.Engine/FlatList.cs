using System.Collections.ObjectModel;
using System.Globalization;

namespace BuzzKeyMgmt.Engine;

/// <summary>
/// A read-only list whose text is its items joined by ";" (issue 14, point 11). Result records hold their list-valued
/// properties (Aliases, Warnings, ApprovedBy, Approvals, Problems) as one, so <c>Export-Csv</c>, which writes each
/// property's ToString(), writes <c>alias/a;alias/b</c> rather than a .NET type name, while <c>ConvertTo-Json</c> and
/// scripts still see a list. An empty list's text is empty.
/// </summary>
public sealed class FlatList<T> : ReadOnlyCollection<T>
{
    public static readonly FlatList<T> Empty = new([]);

    public FlatList(IList<T> items) : base(items) { }

    /// <summary>The items as a <see cref="FlatList{T}"/> (the same instance when it already is one); null or nothing is
    /// <see cref="Empty"/>, one shared instance, so records holding no items stay equal.</summary>
    public static FlatList<T> Of(IEnumerable<T>? items) => items switch
    {
        null => Empty,
        FlatList<T> flat => flat,
        _ => items.ToArray() is { Length: > 0 } array ? new FlatList<T>(array) : Empty,
    };

    public override string ToString() => string.Join(";", this.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)));
}

/// <summary>
/// A read-only map whose text is <c>name=value</c> pairs joined by ";" in the order they were added (Tags, StepMilliseconds): flat in
/// <c>Export-Csv</c>, an object in <c>ConvertTo-Json</c> (it is an IDictionary).
/// </summary>
public sealed class FlatMap<TValue> : ReadOnlyDictionary<string, TValue>
{
    public static readonly FlatMap<TValue> Empty = new(new Dictionary<string, TValue>());

    public FlatMap(IDictionary<string, TValue> items) : base(items) { }

    /// <summary>The pairs as a <see cref="FlatMap{TValue}"/> (the same instance when it already is one); null becomes empty.</summary>
    public static FlatMap<TValue> Of(IEnumerable<KeyValuePair<string, TValue>>? items) => items switch
    {
        null => Empty,
        FlatMap<TValue> flat => flat,
        _ => new Dictionary<string, TValue>(items, StringComparer.Ordinal) is { Count: > 0 } map ? new FlatMap<TValue>(map) : Empty,
    };

    public override string ToString() =>
        string.Join(";", this.Select(p => $"{p.Key}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}"));
}
