using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Sts;

/// <summary>
/// MFA codes are single-use, as on AWS (RFC 6238 section 5.2): per device, a code at or below the last accepted time step is
/// refused; the ±1 step window stays; a wrong code uses nothing; concurrent calls with one code let exactly one through.
/// </summary>
public sealed class SingleUseMfaTests : IDisposable
{
    // Own sandbox per test, its clock just past the start of a step: each test has ~30 s before the step changes by itself.
    private readonly SandboxFixture f = new();

    public SingleUseMfaTests() => MfaSteps.MoveToNextStepStart(f.Server.Clock);

    private SandboxPrincipal Operator => f.Server.User("operator");

    [Fact]
    public async Task The_same_code_is_accepted_once_then_refused_with_AccessDenied_403()
    {
        var code = f.Server.GetMfaCode(Operator.MfaSerial);

        var first = await f.AssumeWithCodeAsync(code);
        Assert.StartsWith("ASIA", first.Credentials.AccessKeyId);

        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(code, sessionName: "INC-2026-0043"));
    }

    [Fact]
    public async Task A_reused_code_is_refused_for_any_role_of_the_same_device()
    {
        var code = f.Server.GetMfaCode(Operator.MfaSerial);
        await f.AssumeWithCodeAsync(code, roleArn: f.Server.EmergencyRoleArn);

        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(code, roleArn: f.Server.RecoveryRoleArn));
        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(code, roleArn: f.Server.AdminRoleArn));
    }

    [Fact]
    public async Task An_older_code_is_refused_after_a_newer_one_was_accepted()
    {
        long step = MfaSteps.Current(f.Server.Clock);
        var older = MfaSteps.Code(Operator, step);
        f.Server.Clock.Advance(TimeSpan.FromSeconds(MfaSteps.Seconds));
        var newer = MfaSteps.Code(Operator, step + 1);

        await f.AssumeWithCodeAsync(newer);

        // The previous step is still inside the ±1 window (see the next test); it is refused because a newer step was used.
        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(older));
    }

    [Fact]
    public async Task The_previous_and_next_steps_codes_are_accepted_while_unused()
    {
        long step = MfaSteps.Current(f.Server.Clock);
        var previous = MfaSteps.Code(Operator, step - 1);
        var next = MfaSteps.Code(Operator, step + 1);

        Assert.NotNull((await f.AssumeWithCodeAsync(previous)).Credentials);
        Assert.NotNull((await f.AssumeWithCodeAsync(next, sessionName: "INC-2026-0043")).Credentials);
    }

    [Fact]
    public async Task Codes_two_steps_away_are_outside_the_window_and_use_nothing()
    {
        long step = MfaSteps.Current(f.Server.Clock);

        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(MfaSteps.Code(Operator, step - 2)));
        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(MfaSteps.Code(Operator, step + 2)));

        Assert.NotNull((await f.AssumeWithCodeAsync(MfaSteps.Code(Operator, step - 1))).Credentials);
    }

    [Fact]
    public async Task A_wrong_code_does_not_use_up_the_current_one()
    {
        var offset = f.Server.Clock.Offset;
        var wrong = MfaSteps.Wrong(Operator, f.Server.Clock);

        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(wrong));
        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(wrong));

        // Still the current step's code: nothing was used, so the sandbox did not move on to the next step.
        var code = f.Server.GetMfaCode(Operator.MfaSerial);
        Assert.Equal(MfaSteps.Code(Operator, MfaSteps.Current(f.Server.Clock)), code);
        Assert.Equal(offset, f.Server.Clock.Offset);
        Assert.NotNull((await f.AssumeWithCodeAsync(code)).Credentials);
    }

    [Fact]
    public async Task Codes_are_used_per_device()
    {
        var approver = f.Server.User("approver1");
        await f.AssumeWithCodeAsync(f.Server.GetMfaCode(Operator.MfaSerial));

        var approverCode = f.Server.GetMfaCode(approver.MfaSerial);
        Assert.Equal(f.Server.CurrentMfaCode(approver.MfaSerial), approverCode);
        Assert.NotNull((await f.AssumeWithCodeAsync(approverCode, userName: "approver1", roleArn: f.Server.RecoveryRoleArn)).Credentials);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task Concurrent_AssumeRole_calls_with_the_same_code_let_exactly_one_succeed(int callers)
    {
        var code = f.Server.GetMfaCode(Operator.MfaSerial);
        var clients = Enumerable.Range(0, callers).Select(_ => f.Sts(f.UserCredentials("operator"))).ToArray();
        try
        {
            // Warm every client (connection, signer) so the AssumeRole calls reach the sandbox together.
            await Task.WhenAll(clients.Select(c => c.GetCallerIdentityAsync(new GetCallerIdentityRequest())));
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = clients.Select((sts, i) => Task.Run(async () =>
            {
                await go.Task;
                try
                {
                    await sts.AssumeRoleAsync(new AssumeRoleRequest
                    {
                        RoleArn = f.Server.EmergencyRoleArn, RoleSessionName = $"INC-{i}", SerialNumber = Operator.MfaSerial, TokenCode = code,
                    });
                    return "ok";
                }
                catch (AmazonSecurityTokenServiceException e) { return $"{e.ErrorCode} {(int)e.StatusCode}: {e.Message}"; }
            })).ToArray();
            go.SetResult();
            var outcomes = await Task.WhenAll(calls);

            Assert.Single(outcomes, o => o == "ok");
            Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal($"AccessDenied 403: {MfaSteps.InvalidCodeMessage}", o));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    public void Dispose() => f.Dispose();
}
