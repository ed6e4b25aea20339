namespace BuzzKeyMgmt.Engine.Kms;

/// <summary>The account and Region of an ARN (arn:partition:service:region:account:resource); null when it has none.</summary>
public static class ArnParts
{
    public static string? Region(string? arn) => Part(arn, 3);

    public static string? Account(string? arn) => Part(arn, 4);

    private static string? Part(string? arn, int index)
    {
        if (arn is null || !arn.StartsWith("arn:", StringComparison.Ordinal)) return null;
        var parts = arn.Split(':', 6);
        return parts.Length == 6 && parts[index].Length > 0 ? parts[index] : null;
    }
}
