namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>Outcome of one diagnostic check.</summary>
public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One line of <c>Test-KeyMgmtEnvironment</c>: what was checked, how it went, and the evidence.</summary>
public sealed class EnvironmentCheck
{
    public EnvironmentCheck(string name, CheckStatus status, string detail)
    {
        Name = name;
        Status = status;
        Detail = detail;
    }

    public string Name { get; }
    public CheckStatus Status { get; }
    public string Detail { get; }

    public override string ToString() => $"{Status} {Name}: {Detail}";

    internal static EnvironmentCheck Pass(string name, string detail) => new(name, CheckStatus.Pass, detail);
    internal static EnvironmentCheck Warn(string name, string detail) => new(name, CheckStatus.Warn, detail);
    internal static EnvironmentCheck Fail(string name, string detail) => new(name, CheckStatus.Fail, detail);
}
