namespace BuzzKeyMgmt.Sandbox.Signing;

/// <summary>
/// The parts of an <c>Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
/// SignedHeaders=a;b, Signature=hex</c> header.
/// </summary>
internal sealed record SigV4Authorization(string AccessKeyId, string ScopeDate, string Region, string Service,
    string Terminator, string SignedHeaders, string Signature)
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public string Scope => $"{ScopeDate}/{Region}/{Service}/{Terminator}";

    /// <summary>Parses the header; returns null with a failure when it is missing or incomplete.</summary>
    public static SigV4Authorization? Parse(string? header, out AuthFailure? failure)
    {
        failure = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            failure = new AuthFailure(AuthFailureKind.MissingToken, "Missing Authentication Token");
            return null;
        }
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            failure = new AuthFailure(AuthFailureKind.IncompleteSignature,
                $"Unsupported AWS 'algorithm': '{header.Split(' ')[0]}'. Supported: '{Algorithm}'.");
            return null;
        }
        string? credential = null, signed = null, signature = null;
        foreach (var part in header[(Algorithm.Length + 1)..].Split(','))
        {
            var kv = part.Trim();
            int eq = kv.IndexOf('=');
            if (eq <= 0) continue;
            var value = kv[(eq + 1)..].Trim();
            switch (kv[..eq].Trim())
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signed = value; break;
                case "Signature": signature = value; break;
            }
        }
        var missing = new List<string>();
        if (string.IsNullOrEmpty(credential)) missing.Add("Authorization header requires 'Credential' parameter.");
        if (string.IsNullOrEmpty(signature)) missing.Add("Authorization header requires 'Signature' parameter.");
        if (string.IsNullOrEmpty(signed)) missing.Add("Authorization header requires 'SignedHeaders' parameter.");
        if (missing.Count > 0)
        {
            failure = new AuthFailure(AuthFailureKind.IncompleteSignature, string.Join(' ', missing) + $" Authorization={header}");
            return null;
        }
        var scope = credential!.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0)
        {
            failure = new AuthFailure(AuthFailureKind.IncompleteSignature,
                $"Credential should be scoped to a valid region. Credential={credential}");
            return null;
        }
        return new SigV4Authorization(scope[0], scope[1], scope[2], scope[3], scope[4], signed!, signature!);
    }
}
