using BuzzKeyMgmt.Engine.Configuration;

namespace BuzzKeyMgmt.Engine.Identity;

/// <summary>What Connect-KeyManagement asks for.</summary>
public sealed record ConnectRequest(
    string Environment,
    KeyMgmtRole Role = KeyMgmtRole.Admin,
    string? MfaCode = null,
    string? MfaSerialNumber = null,
    string? ProfileName = null,
    string? Region = null,
    string? EndpointUrl = null,
    string? IncidentId = null,
    string? ChangeId = null);
