using System.Globalization;

namespace BuzzKeyMgmt.Engine.Policy;

/// <summary>
/// The rules for what an operator types that ends up in the audit trail, in one place for the cmdlets, the operations and
/// (through <see cref="PolicySettings"/>'s methods) the runbook scripts. Ids must match the policy's pattern whole and be
/// printable ASCII (<see cref="PolicySettings.Matches"/>). A reason is free text and is stored verbatim, escape sequences
/// and all (the audit views neutralise them for display: <see cref="DisplayText"/>), but it must say something: a reason
/// of nothing but whitespace, control or formatting characters (spaces, tabs, newlines, zero-width spaces, bidi marks) is
/// refused, as is one longer than the store's column.
/// </summary>
public static class OperatorInput
{
    public const int MaxReasonLength = 1000;

    /// <summary>Why <paramref name="reason"/> cannot be an audit reason, or null when it can.</summary>
    public static string? ReasonProblem(string? reason)
    {
        if (reason is null || reason.Length == 0) return "a reason is required";
        if (reason.Length > MaxReasonLength) return $"the reason is {reason.Length} characters long; at most {MaxReasonLength} are kept";
        foreach (var c in reason)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) continue;
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Format or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator) continue;
            return null;
        }
        return "the reason has no visible character (only whitespace, control or formatting characters); say why, in words";
    }

    /// <summary>Throws <c>ReasonInvalid</c> (bad input) when <see cref="ReasonProblem"/> finds one.</summary>
    public static void RequireReason(string? reason)
    {
        if (ReasonProblem(reason) is { } problem)
            throw new KeyMgmtException("ReasonInvalid", FailureKind.InvalidArgument, $"-Reason: {problem}.",
                "Give -Reason a sentence that says why, e.g. -Reason 'credentials leaked in ticket INC-2026-0042'.");
    }

    /// <summary>Throws <c>IncidentIdInvalid</c> unless the policy accepts <paramref name="incidentId"/>.</summary>
    public static void RequireIncidentId(PolicySettings policy, string? incidentId)
    {
        if (!policy.IsValidIncidentId(incidentId))
            throw new KeyMgmtException("IncidentIdInvalid", FailureKind.InvalidArgument,
                $"'{DisplayText.Neutralize(incidentId)}' is not an incident id: expected the policy's pattern {policy.IncidentIdPattern}, " +
                "matched as a whole, in printable ASCII (ASCII digits, no trailing newline), e.g. INC-2026-0042.");
    }

    /// <summary>Throws <c>ChangeIdInvalid</c> unless the policy accepts <paramref name="changeId"/>.</summary>
    public static void RequireChangeId(PolicySettings policy, string? changeId)
    {
        if (!policy.IsValidChangeId(changeId))
            throw new KeyMgmtException("ChangeIdInvalid", FailureKind.InvalidArgument,
                $"'{DisplayText.Neutralize(changeId)}' is not a change id: expected the policy's pattern {policy.ChangeIdPattern}, " +
                "matched as a whole, in printable ASCII (ASCII digits, no trailing newline), e.g. CHG-2026-0107.");
    }
}
