using BuzzKeyMgmt.Engine.Audit;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

public sealed class AuditHasherTests
{
    internal static readonly AuditEntry Example = new()
    {
        AuditId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        OperationId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        OccurredAtUtc = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero).AddTicks(1234567),
        Environment = "prod",
        Operation = "REVOKE",
        Phase = AuditPhase.Started,
        Outcome = AuditOutcome.Pending,
        KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab",
        IncidentId = "INC-2026-0042",
        Reason = "Schlüssel",
        IsEmergency = true,
    };

    [Fact]
    public void Canonical_form_matches_the_documented_example()
    {
        // The same example is printed in sql/README.md; changing the format must change both (and version it).
        var expected = "v1|1:1|36:0f8fad5b-d9cb-469f-a165-70867728950e|36:7c9e6679-7425-40de-944b-e07fc1f90ae7" +
                       "|28:2026-11-02T09:30:00.1234567Z|4:prod|6:REVOKE|7:Started|7:Pending" +
                       "|36:1234abcd-12ab-34cd-56ef-1234567890ab|~|~|13:INC-2026-0042|~|10:Schlüssel|1:1|~|~|~|~|~|~|~|~|~|~" +
                       "|64:" + new string('0', 64);
        Assert.Equal(expected, AuditHasher.Canonicalize(Example, 1, AuditHasher.GenesisHash));
    }

    [Fact]
    public void Row_hash_is_lowercase_sha256_of_the_canonical_utf8_text()
    {
        var text = AuditHasher.Canonicalize(Example, 1, AuditHasher.GenesisHash);
        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
        Assert.Equal(expected, AuditHasher.ComputeRowHash(Example, 1, AuditHasher.GenesisHash));
        Assert.Equal("b7a286478ff10ad55c9781b175df00a10fee5b2a3a565815704d26f787ce8f9e", expected); // pinned in sql/README.md
    }

    [Fact]
    public void Null_empty_and_separator_lookalikes_hash_differently()
    {
        var hashes = new[]
        {
            AuditHasher.ComputeRowHash(Example with { ChangeId = null }, 1, AuditHasher.GenesisHash),
            AuditHasher.ComputeRowHash(Example with { ChangeId = "" }, 1, AuditHasher.GenesisHash),
            AuditHasher.ComputeRowHash(Example with { ChangeId = "~" }, 1, AuditHasher.GenesisHash),
            AuditHasher.ComputeRowHash(Example with { Alias = "|~", ChangeId = null }, 1, AuditHasher.GenesisHash),
            AuditHasher.ComputeRowHash(Example, 2, AuditHasher.GenesisHash),
        };
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void Verifier_accepts_an_empty_chain_and_rejects_a_wrong_genesis()
    {
        Assert.True(ChainVerifier.Verify([]).IsValid);
        var wrongGenesis = new string('1', 64);
        var row = new AuditRecord(Example, 1, wrongGenesis, AuditHasher.ComputeRowHash(Example, 1, wrongGenesis));
        var result = ChainVerifier.Verify([row]);
        Assert.Equal(ChainBreak.PreviousHashMismatch, result.Break);
        Assert.Equal(Example.AuditId, result.BrokenAuditId);
    }
}
