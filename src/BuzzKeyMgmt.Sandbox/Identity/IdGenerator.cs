using System.Security.Cryptography;

namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>Random identifiers shaped like AWS's (AKIA/ASIA access keys, 40-char secrets, unique ids).</summary>
internal static class IdGenerator
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static string AccessKeyId(bool temporary) => (temporary ? "ASIA" : "AKIA") + Random(Upper, 16);
    public static string UniqueId(string prefix) => prefix + Random(Upper, 17);
    public static string Secret() => Random(SecretChars, 40);
    public static string SessionToken() => "FwoGZXIvYXdzE" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(180));

    private static readonly string RequestIdPrefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    private static long _requestCounter;

    /// <summary>A request id shaped like AWS's (a UUID): unique per process by a counter, so the hot path makes no
    /// system call for randomness.</summary>
    public static string RequestId()
    {
        var n = Interlocked.Increment(ref _requestCounter);
        return $"{RequestIdPrefix[..8]}-{RequestIdPrefix[8..12]}-{RequestIdPrefix[12..16]}-{(n >> 48) & 0xffff:x4}-{n & 0xffffffffffff:x12}";
    }

    private static string Random(string alphabet, int length) =>
        string.Create(length, alphabet, (span, a) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
        });
}
