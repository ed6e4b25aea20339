namespace BuzzKeyMgmt.Engine.Drills;

/// <summary>
/// What a drill knows between its steps: its id, its key, the probe's ciphertext and the hash of its plaintext, the
/// recovery request. Each step's DRILL row carries the state as it left it (<see cref="Data"/>), so a resumed drill
/// (-DrillId) starts from what its last run recorded; the plaintext itself is never recorded.
/// </summary>
public sealed class DrillState
{
    public required string DrillId { get; init; }
    public required DrillScenario Scenario { get; init; }
    public required string IncidentId { get; init; }
    public required string ChangeId { get; init; }
    public string Alias => "alias/drill-" + DrillId;
    public string? KeyId { get; set; }
    public string? KeyArn { get; set; }
    public string? ProbeCiphertext { get; set; }
    public string? ProbeSha256 { get; set; }
    public Guid? RequestId { get; set; }
    public bool AliasCreated { get; set; }

    public Dictionary<string, string?> Data() => new()
    {
        ["scenario"] = Scenario.ToString(), ["incidentId"] = IncidentId, ["changeId"] = ChangeId, ["keyId"] = KeyId, ["keyArn"] = KeyArn,
        ["probeCiphertext"] = ProbeCiphertext, ["probeSha256"] = ProbeSha256, ["requestId"] = RequestId?.ToString(),
        ["aliasCreated"] = AliasCreated ? "true" : null,
    };

    public static DrillState From(string drillId, IReadOnlyDictionary<string, string?> data) => new()
    {
        DrillId = drillId,
        Scenario = Enum.TryParse<DrillScenario>(data.GetValueOrDefault("scenario"), out var s) ? s : DrillScenario.Revoke,
        IncidentId = data.GetValueOrDefault("incidentId") ?? "",
        ChangeId = data.GetValueOrDefault("changeId") ?? "",
        KeyId = data.GetValueOrDefault("keyId"),
        KeyArn = data.GetValueOrDefault("keyArn"),
        ProbeCiphertext = data.GetValueOrDefault("probeCiphertext"),
        ProbeSha256 = data.GetValueOrDefault("probeSha256"),
        RequestId = Guid.TryParse(data.GetValueOrDefault("requestId"), out var r) ? r : null,
        AliasCreated = data.GetValueOrDefault("aliasCreated") == "true",
    };

    /// <summary>A new drill id: 12 lower-case hex characters (an alias-safe name, unique enough for a team's drills).</summary>
    public static string NewId() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>Six digits derived from the drill id, for the default incident and change ids the policy's patterns accept.</summary>
    public static string Digits(string drillId) =>
        (Convert.ToUInt64(drillId.Length >= 12 ? drillId[..12] : drillId.PadLeft(12, '0'), 16) % 1_000_000).ToString("D6");
}
