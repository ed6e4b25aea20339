using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Identity;

namespace BuzzKeyMgmt.Sandbox.Signing;

/// <summary>
/// Verifies AWS Signature Version 4 on every request against the credentials the sandbox issued: credential scope
/// (date, a served Region, service), session token and its expiry (sandbox clock), request time within 5 minutes of real time,
/// payload hash and signature.
/// </summary>
/// <param name="servesRegion">Whether the sandbox serves a Region; a credential scope naming any other is refused.</param>
internal sealed class SigV4Verifier(IdentityStore identities, Func<string, bool> servesRegion, TimeProvider sandboxClock)
{
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private readonly ConcurrentDictionary<string, byte[]> _signingKeys = new(StringComparer.Ordinal);

    /// <summary>Authenticates the request for <paramref name="service"/>; returns the caller or a failure.</summary>
    public CallerIdentity? Verify(HttpRequestData request, SigV4Authorization auth, string service, out AuthFailure? failure)
    {
        failure = Check(request, auth, service, out var caller);
        return failure is null ? caller : null;
    }

    private AuthFailure? Check(HttpRequestData request, SigV4Authorization auth, string service, out CallerIdentity? caller)
    {
        caller = null;
        var amzDate = request.Header("X-Amz-Date");
        DateTimeOffset requestTime;
        if (amzDate is not null)
        {
            if (!DateTimeOffset.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out requestTime))
                return Mismatch($"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
        else if (request.Header("Date") is { } date && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out requestTime))
            amzDate = requestTime.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);
        else
            return new AuthFailure(AuthFailureKind.IncompleteSignature,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");

        if (auth.ScopeDate != amzDate[..8])
            return Mismatch($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{auth.ScopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        if (!servesRegion(auth.Region))
            return Mismatch($"Credential should be scoped to a valid region, not '{auth.Region}'. ");
        if (auth.Service != service)
            return Mismatch($"Credential should be scoped to correct service: '{service}'. ");
        if (auth.Terminator != "aws4_request")
            return Mismatch($"Credential should be scoped with a valid terminator: 'aws4_request', not '{auth.Terminator}'. ");
        if (!auth.SignedHeaders.Split(';').Contains("host"))
            return Mismatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

        var identity = identities.Find(auth.AccessKeyId);
        if (identity is null) return new AuthFailure(AuthFailureKind.InvalidClientToken, AuthFailure.InvalidTokenMessage);
        var token = request.Header("X-Amz-Security-Token");
        if (identity.SessionToken != token && !(identity.SessionToken is null && string.IsNullOrEmpty(token)))
            return new AuthFailure(AuthFailureKind.InvalidClientToken, AuthFailure.InvalidTokenMessage);
        if (identity.Expiration is { } exp && sandboxClock.GetUtcNow() >= exp)
            return new AuthFailure(AuthFailureKind.ExpiredToken, AuthFailure.ExpiredTokenMessage);

        var now = DateTimeOffset.UtcNow;
        if (requestTime < now - MaxSkew)
            return Mismatch($"Signature expired: {amzDate} is now earlier than {Fmt(now - MaxSkew)} ({Fmt(now)} - 5 min.)");
        if (requestTime > now + MaxSkew)
            return Mismatch($"Signature not yet current: {amzDate} is still later than {Fmt(now + MaxSkew)} ({Fmt(now)} + 5 min.)");

        var bodyHash = CanonicalRequest.Sha256Hex(request.Body);
        var declared = request.Header("X-Amz-Content-SHA256");
        string payloadHash = bodyHash;
        if (declared is not null)
        {
            if (declared == "UNSIGNED-PAYLOAD") payloadHash = declared;
            else if (!string.Equals(declared, bodyHash, StringComparison.OrdinalIgnoreCase))
                return Mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        var canonical = CanonicalRequest.Build(request, auth.SignedHeaders, payloadHash);
        var stringToSign = $"{SigV4Authorization.Algorithm}\n{amzDate}\n{auth.Scope}\n{CanonicalRequest.Sha256Hex(Encoding.UTF8.GetBytes(canonical))}";
        var expected = HMACSHA256.HashData(SigningKey(identity, auth), Encoding.UTF8.GetBytes(stringToSign));
        byte[] given;
        try { given = Convert.FromHexString(auth.Signature); }
        catch (FormatException) { return Mismatch(AuthFailure.MismatchMessage); }
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return Mismatch(AuthFailure.MismatchMessage);
        caller = identity;
        return null;
    }

    private byte[] SigningKey(CallerIdentity identity, SigV4Authorization auth) =>
        _signingKeys.GetOrAdd(identity.AccessKeyId + "/" + auth.Scope, _ =>
        {
            var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + identity.SecretAccessKey), Encoding.UTF8.GetBytes(auth.ScopeDate));
            k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(auth.Region));
            k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(auth.Service));
            return HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(auth.Terminator));
        });

    private static string Fmt(DateTimeOffset t) => t.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);
    private static AuthFailure Mismatch(string message) => new(AuthFailureKind.SignatureMismatch, message);
}
