using System.Security.Cryptography;

namespace BuzzKeyMgmt.Engine.Audit.Sqlite;

/// <summary>
/// A batch of chain rows copied out of SQLite (canonical text, stored PreviousHash, RowHash and AuditId bytes) so
/// that hashing can run on another core while the next batch is read.
/// </summary>
internal sealed class ChainChunk
{
    public const int Capacity = 2048;

    private byte[] _data = new byte[Capacity * 768];
    private int _used;

    public int Count { get; private set; }
    public long[] Sequence { get; } = new long[Capacity];
    private readonly (int Start, int Length)[] _canonical = new (int, int)[Capacity];
    private readonly (int Start, int Length)[] _previous = new (int, int)[Capacity];
    private readonly (int Start, int Length)[] _rowHash = new (int, int)[Capacity];
    private readonly (int Start, int Length)[] _auditId = new (int, int)[Capacity];
    private readonly byte[] _computed = new byte[Capacity * 64];

    public bool IsFull => Count == Capacity;

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    public void Add(long sequence, ReadOnlySpan<byte> auditId, ReadOnlySpan<byte> previous, ReadOnlySpan<byte> rowHash, ReadOnlySpan<byte> canonical)
    {
        Sequence[Count] = sequence;
        _auditId[Count] = Put(auditId);
        _previous[Count] = Put(previous);
        _rowHash[Count] = Put(rowHash);
        _canonical[Count] = Put(canonical);
        Count++;
    }

    public ReadOnlySpan<byte> AuditId(int i) => _data.AsSpan(_auditId[i].Start, _auditId[i].Length);
    public ReadOnlySpan<byte> Previous(int i) => _data.AsSpan(_previous[i].Start, _previous[i].Length);
    public ReadOnlySpan<byte> RowHash(int i) => _data.AsSpan(_rowHash[i].Start, _rowHash[i].Length);
    public ReadOnlySpan<byte> Computed(int i) => _computed.AsSpan(i * 64, 64);

    /// <summary>Lowercase hex SHA-256 of every row's canonical text.</summary>
    public void HashAll()
    {
        Span<byte> digest = stackalloc byte[32];
        for (var i = 0; i < Count; i++)
        {
            SHA256.HashData(_data.AsSpan(_canonical[i].Start, _canonical[i].Length), digest);
            var hex = _computed.AsSpan(i * 64, 64);
            for (var b = 0; b < 32; b++)
            {
                hex[2 * b] = Hex[digest[b] >> 4];
                hex[2 * b + 1] = Hex[digest[b] & 0xF];
            }
        }
    }

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    private (int, int) Put(ReadOnlySpan<byte> bytes)
    {
        if (_used + bytes.Length > _data.Length) Array.Resize(ref _data, Math.Max(_data.Length * 2, _used + bytes.Length));
        bytes.CopyTo(_data.AsSpan(_used));
        var slot = (_used, bytes.Length);
        _used += bytes.Length;
        return slot;
    }
}
