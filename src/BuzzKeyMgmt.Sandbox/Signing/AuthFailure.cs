namespace BuzzKeyMgmt.Sandbox.Signing;

/// <summary>Why a request failed authentication; each protocol maps it to its own AWS error code and status.</summary>
internal enum AuthFailureKind
{
    /// <summary>No Authorization header (KMS: MissingAuthenticationTokenException; query: MissingAuthenticationToken).</summary>
    MissingToken,
    /// <summary>Authorization header present but lacking parts (IncompleteSignature).</summary>
    IncompleteSignature,
    /// <summary>Unknown access key or wrong/missing session token (UnrecognizedClientException / InvalidClientTokenId).</summary>
    InvalidClientToken,
    /// <summary>Session credentials past their expiry (ExpiredTokenException / ExpiredToken).</summary>
    ExpiredToken,
    /// <summary>Signature, scope or request time wrong (InvalidSignatureException / SignatureDoesNotMatch).</summary>
    SignatureMismatch,
}

internal sealed record AuthFailure(AuthFailureKind Kind, string Message)
{
    public const string InvalidTokenMessage = "The security token included in the request is invalid.";
    public const string ExpiredTokenMessage = "The security token included in the request is expired";
    public const string MismatchMessage = "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
}
