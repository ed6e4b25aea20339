using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Sts;

/// <summary>
/// <see cref="SandboxServer.GetMfaCode"/> gives a code the sandbox accepts right now (moving the sandbox clock to the next
/// step only when the current codes were used); <see cref="SandboxServer.CurrentMfaCode"/> shows what the device displays.
/// </summary>
public sealed class MfaCodeToTypeTests : IDisposable
{
    // Own sandbox per test (these tests move the clock), its clock just past the start of a step.
    private readonly SandboxFixture f = new();

    public MfaCodeToTypeTests() => MfaSteps.MoveToNextStepStart(f.Server.Clock);

    private SandboxPrincipal Operator => f.Server.User("operator");

    [Fact]
    public async Task GetMfaCode_lets_four_AssumeRole_calls_in_a_row_succeed_moving_the_clock_only_when_needed()
    {
        long step = MfaSteps.Current(f.Server.Clock);
        var moves = new List<TimeSpan>();
        var codes = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            var before = f.Server.Clock.Offset;
            var code = f.Server.GetMfaCode(Operator.MfaSerial);
            moves.Add(f.Server.Clock.Offset - before);
            codes.Add(code);
            var response = await f.AssumeWithCodeAsync(code, sessionName: $"INC-2026-000{i}");
            Assert.StartsWith("ASIA", response.Credentials.AccessKeyId);
        }

        // The current step's code, then the next step's (both inside the window): no clock move.
        Assert.Equal(TimeSpan.Zero, moves[0]);
        Assert.Equal(TimeSpan.Zero, moves[1]);
        // Then both used: the clock moves on by at most one step each time, to the start of the last used step.
        Assert.InRange(moves[2], TimeSpan.FromTicks(1), TimeSpan.FromSeconds(MfaSteps.Seconds));
        Assert.InRange(moves[3], TimeSpan.FromTicks(1), TimeSpan.FromSeconds(MfaSteps.Seconds));
        Assert.Equal(step + 2, MfaSteps.Current(f.Server.Clock));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => MfaSteps.Code(Operator, step + i)), codes);
    }

    [Fact]
    public async Task Getting_a_code_does_not_use_it()
    {
        var offset = f.Server.Clock.Offset;
        var first = f.Server.GetMfaCode(Operator.MfaSerial);
        var second = f.Server.GetMfaCode(Operator.MfaSerial);

        Assert.Equal(first, second);
        Assert.Equal(f.Server.CurrentMfaCode(Operator.MfaSerial), first);
        Assert.Equal(offset, f.Server.Clock.Offset);
        Assert.NotNull((await f.AssumeWithCodeAsync(second)).Credentials);
    }

    [Fact]
    public async Task CurrentMfaCode_of_a_used_step_is_refused_and_GetMfaCode_moves_past_it()
    {
        var used = f.Server.GetMfaCode(Operator.MfaSerial);
        await f.AssumeWithCodeAsync(used);

        var displayed = f.Server.CurrentMfaCode(Operator.MfaSerial);
        Assert.Equal(used, displayed);
        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(displayed, sessionName: "INC-2026-0043"));

        var fresh = f.Server.GetMfaCode(Operator.MfaSerial);
        Assert.Equal(MfaSteps.Code(Operator, MfaSteps.Current(f.Server.Clock) + 1), fresh);
        Assert.NotNull((await f.AssumeWithCodeAsync(fresh, sessionName: "INC-2026-0044")).Credentials);
    }

    [Fact]
    public void CurrentMfaCode_is_what_the_device_shows_at_the_sandbox_clock()
    {
        long step = MfaSteps.Current(f.Server.Clock);
        Assert.Equal(MfaSteps.Code(Operator, step), f.Server.CurrentMfaCode(Operator.MfaSerial));
        Assert.Equal(MfaSteps.Code(f.Server.Root, step), f.Server.CurrentMfaCode());

        f.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(MfaSteps.Code(Operator, step + 10), f.Server.CurrentMfaCode(Operator.MfaSerial));
    }

    [Fact]
    public async Task Root_gets_a_fresh_code_for_each_assumption()
    {
        using var sts = f.Sts(f.RootCredentials);
        for (int i = 0; i < 3; i++)
        {
            var r = await sts.AssumeRoleAsync(new Amazon.SecurityToken.Model.AssumeRoleRequest
            {
                RoleArn = f.Server.RecoveryRoleArn, RoleSessionName = $"CHG-{i}", SerialNumber = f.Server.MfaSerial, TokenCode = f.Server.GetMfaCode(),
            });
            Assert.EndsWith($"assumed-role/BuzzKeyMgmtRecovery/CHG-{i}", r.AssumedRoleUser.Arn);
        }
    }

    [Fact]
    public void An_unknown_device_is_an_ArgumentException()
    {
        var serial = $"arn:aws:iam::{f.Server.AccountId}:mfa/nobody";
        Assert.Contains("nobody", Assert.Throws<ArgumentException>(() => f.Server.GetMfaCode(serial)).Message);
        Assert.Contains("nobody", Assert.Throws<ArgumentException>(() => f.Server.CurrentMfaCode(serial)).Message);
    }

    public void Dispose() => f.Dispose();
}
