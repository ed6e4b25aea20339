using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>What a drill exercises: a revocation and its four-eyes recovery; the same with a scheduled deletion that the
/// recovery cancels; an on-demand rotation after which the old ciphertext still decrypts; or all three on one drill key.</summary>
public enum DrillScenario { Revoke, RevokeAndDelete, Rotation, All }

/// <summary>How a drill ended. WaitingForApprovals and WaitingForMfa stopped on purpose (resume with the DrillId);
/// Incomplete is what the history says of a drill whose process ended before its report row.</summary>
public enum DrillStatus { Passed, Failed, Stopped, WaitingForApprovals, WaitingForMfa, Incomplete }

/// <summary>What Invoke-KeyRevocationDrill asks for.</summary>
public sealed record DrillPlan
{
    public DrillScenario Scenario { get; init; } = DrillScenario.Revoke;

    /// <summary>The code to take the Emergency role (the revocation); in the sandbox the drill reads its devices itself.</summary>
    public string? MfaCode { get; init; }

    /// <summary>The code to take the Recovery role (the restore); a real TOTP code is accepted once, so it cannot be the
    /// Emergency one. Without it (outside the sandbox) the drill stops before the restore and is resumed with it.</summary>
    public string? RecoveryMfaCode { get; init; }

    /// <summary>Sessions of the people who approve the drill's recovery request (two other people, in their own
    /// sessions). Outside the sandbox, without enough of them the drill stops at WaitingForApprovals.</summary>
    public IReadOnlyList<KeyMgmtSession> Approvers { get; init; } = [];

    /// <summary>Resume this drill (it stopped waiting for approvals or a Recovery code) rather than start one.</summary>
    public string? ResumeDrillId { get; init; }

    /// <summary>The incident id of the drill's revocation (default: INC-&lt;year&gt;-&lt;6 digits of the drill&gt;).</summary>
    public string? IncidentId { get; init; }

    /// <summary>The change id of the drill's recovery (default: CHG-&lt;year&gt;-&lt;6 digits of the drill&gt;).</summary>
    public string? ChangeId { get; init; }

    public bool Revokes => Scenario is DrillScenario.Revoke or DrillScenario.All;
    public bool Deletes => Scenario is DrillScenario.RevokeAndDelete or DrillScenario.All;
    public bool Rotates => Scenario is DrillScenario.Rotation or DrillScenario.All;
}
