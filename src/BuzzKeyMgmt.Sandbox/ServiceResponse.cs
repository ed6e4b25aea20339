namespace BuzzKeyMgmt.Sandbox;

/// <summary>What one emulated AWS service answers to one request: status, content type and body bytes.</summary>
public readonly record struct ServiceResponse(int StatusCode, string ContentType, byte[] Body);
