namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>What the PowerShell host tells the engine about itself (the engine never references PowerShell).</summary>
public sealed record HostFacts(string PowerShellVersion, string PowerShellEdition);

/// <summary>Optional extra checks asked for by the caller.</summary>
public sealed record DiagnosticsOptions(string? SqlServerConnectionString = null);
