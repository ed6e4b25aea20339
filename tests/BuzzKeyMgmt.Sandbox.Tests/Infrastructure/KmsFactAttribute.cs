using BuzzKeyMgmt.Sandbox.Kms;

namespace BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

/// <summary>Whether this build carries the KMS operations (written on branch sandbox-kms).</summary>
internal static class KmsLogic
{
    public static string? MissingReason =>
        KmsService.Operations.Contains("DescribeKey") ? null
            : "Needs the KMS operations from branch sandbox-kms, which are not merged into this build yet (KmsService.Operations is empty).";
}

/// <summary>A fact that runs only when the KMS logic is present, and says why when it is skipped.</summary>
public sealed class KmsFactAttribute : FactAttribute
{
    public KmsFactAttribute() => Skip = KmsLogic.MissingReason;
}

/// <summary>A theory that runs only when the KMS logic is present, and says why when it is skipped.</summary>
public sealed class KmsTheoryAttribute : TheoryAttribute
{
    public KmsTheoryAttribute() => Skip = KmsLogic.MissingReason;
}
