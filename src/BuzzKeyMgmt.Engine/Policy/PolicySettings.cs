using System.Globalization;
using System.Text.RegularExpressions;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Policy;

/// <summary>
/// The shared key-management policy, read from the audit store's KeyManagementConfig table (seeded by the
/// migrations) so that every administrator applies the same rules.
/// </summary>
public sealed record PolicySettings
{
    public const string RotationPeriodDaysName = "RotationPeriodDays";
    public const string RecoveryWindowDaysName = "RecoveryWindowDays";
    public const string MinimumRsaKeyBitsName = "MinimumRsaKeyBits";
    public const string ApprovalsRequiredName = "ApprovalsRequired";
    public const string MttrTargetMinutesName = "MttrTargetMinutes";
    public const string RecoveryRequestExpiryHoursName = "RecoveryRequestExpiryHours";
    public const string IncidentIdPatternName = "IncidentIdPattern";
    public const string ChangeIdPatternName = "ChangeIdPattern";

    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(250);

    public int RotationPeriodDays { get; init; }
    public int RecoveryWindowDays { get; init; }
    public int MinimumRsaKeyBits { get; init; }
    public int ApprovalsRequired { get; init; }
    public int MttrTargetMinutes { get; init; }
    public int RecoveryRequestExpiryHours { get; init; }
    public string IncidentIdPattern { get; init; } = "";
    public string ChangeIdPattern { get; init; } = "";

    /// <summary>How a policy pattern is applied: ECMAScript semantics (\d, \w and \s are ASCII only), culture-invariant,
    /// with a timeout. The stored patterns are written for .NET (e.g. <c>^(INC|INCIDENT)-\d{4}-\d{3,6}$</c>), where \d also
    /// matches full-width and other Unicode digits and $ matches before a final newline; so, whatever the stored pattern,
    /// an id must also match it whole (<see cref="Matches"/>) and be printable ASCII.</summary>
    public const RegexOptions PatternOptions = RegexOptions.ECMAScript | RegexOptions.CultureInvariant;

    /// <summary>The longest id the audit store takes (IncidentId and ChangeId columns).</summary>
    public const int MaxIdLength = 64;

    public bool IsValidIncidentId(string? value) => Matches(IncidentIdPattern, value);

    public bool IsValidChangeId(string? value) => Matches(ChangeIdPattern, value);

    /// <summary>Whether <paramref name="value"/> can be an audit reason (<see cref="OperatorInput.ReasonProblem"/>); here so a
    /// script holding the policy (Get-KeyMgmtPolicy) applies the same rule as the cmdlets.</summary>
    public bool IsValidReason(string? value) => OperatorInput.ReasonProblem(value) is null;

    /// <summary>The one check of an incident or change id, used by the cmdlets, the operations, the store and the runbook
    /// scripts alike: 1-64 printable ASCII characters (no space, control character, bidi override or non-ASCII digit), and
    /// the pattern (<see cref="PatternOptions"/>) matching the whole value, from its first character to its last. So
    /// "INC-2026-0042\n" and "INC-２０２６-0042" are refused even by a pattern anchored with $ and written with \d.</summary>
    public static bool Matches(string pattern, string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength || string.IsNullOrEmpty(pattern)) return false;
        foreach (var c in value)
            if (c is < '!' or > '~') return false;
        try
        {
            var match = Regex.Match(value, pattern, PatternOptions, PatternTimeout);
            return match.Success && match.Index == 0 && match.Length == value.Length;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;   // a pattern that cannot decide in time accepts nothing
        }
    }

    /// <summary>The values the migrations seed: what applies when the store cannot be read (break-glass revocation).</summary>
    public static PolicySettings Defaults { get; } = new()
    {
        RotationPeriodDays = 90, RecoveryWindowDays = 7, MinimumRsaKeyBits = 3072, ApprovalsRequired = 2, MttrTargetMinutes = 10,
        RecoveryRequestExpiryHours = 24, IncidentIdPattern = @"^(INC|INCIDENT)-\d{4}-\d{3,6}$", ChangeIdPattern = @"^(CHG|CHANGE)-\d{4}-\d{3,6}$",
    };

    /// <summary>Builds the policy from KeyManagementConfig name/value rows; a missing or bad value is a domain error.</summary>
    public static PolicySettings FromValues(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new PolicySettings
        {
            RotationPeriodDays = Int(values, RotationPeriodDaysName, 1, 2560),
            RecoveryWindowDays = Int(values, RecoveryWindowDaysName, 7, 30),
            MinimumRsaKeyBits = Int(values, MinimumRsaKeyBitsName, 2048, 4096),
            ApprovalsRequired = Int(values, ApprovalsRequiredName, 1, 10),
            MttrTargetMinutes = Int(values, MttrTargetMinutesName, 1, 10_000),
            RecoveryRequestExpiryHours = Int(values, RecoveryRequestExpiryHoursName, 1, 720),
            IncidentIdPattern = Pattern(values, IncidentIdPatternName),
            ChangeIdPattern = Pattern(values, ChangeIdPatternName),
        };
    }

    private static int Int(IReadOnlyDictionary<string, string> values, string name, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
            throw Invalid($"policy setting {name} is missing from KeyManagementConfig.");
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw Invalid($"policy setting {name} = '{text}' is not a whole number between {min} and {max}.");
        return value;
    }

    private static string Pattern(IReadOnlyDictionary<string, string> values, string name)
    {
        if (!values.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            throw Invalid($"policy setting {name} is missing from KeyManagementConfig.");
        try
        {
            _ = new Regex(text, PatternOptions, PatternTimeout);
        }
        catch (ArgumentException ex)
        {
            throw Invalid($"policy setting {name} = '{text}' is not a valid regular expression: {ex.Message}");
        }
        return text;
    }

    private static AuditStoreException Invalid(string message) =>
        new(AuditErrorCodes.InvalidPolicy, "Invalid key-management policy: " + message);
}
