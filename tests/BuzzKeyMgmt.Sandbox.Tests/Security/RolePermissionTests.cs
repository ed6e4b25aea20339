using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Security;

/// <summary>Authorisation per principal: root everything, IAM users read, each role its own KMS actions.</summary>
public sealed class RolePermissionTests(SandboxFixture f) : IClassFixture<SandboxFixture>
{
    private async Task<string> NewKeyAsync()
    {
        using var root = f.Kms(f.RootCredentials);
        return (await root.CreateKeyAsync(new CreateKeyRequest { Description = "permission test" })).KeyMetadata.KeyId;
    }

    private async Task<AWSCredentials> RoleAsync(string role) => role switch
    {
        "Admin" => (await f.AssumeAsync(f.Server.AdminRoleArn, withMfa: false)).Credentials,
        "Emergency" => (await f.AssumeAsync(f.Server.EmergencyRoleArn)).Credentials,
        "Recovery" => (await f.AssumeAsync(f.Server.RecoveryRoleArn, userName: "approver1")).Credentials,
        _ => f.UserCredentials(role),
    };

    private string KeyArn(string keyId) => $"arn:aws:kms:{f.Server.Region}:{f.Server.AccountId}:key/{keyId}";

    [KmsFact]
    public async Task Iam_user_may_read_but_not_disable_and_the_denial_names_caller_action_and_key()
    {
        var keyId = await NewKeyAsync();
        using var kms = f.Kms(f.UserCredentials("operator"));
        Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState);
        Assert.NotNull((await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId })).KeyRotationEnabled);

        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }));
        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Equal(400, (int)e.StatusCode);
        Assert.Equal($"User: arn:aws:iam::{f.Server.AccountId}:user/operator is not authorized to perform: kms:DisableKey on resource: {KeyArn(keyId)} " +
                     "because no identity-based policy allows the kms:DisableKey action", e.Message);
        Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState);
    }

    [KmsTheory]
    [InlineData("Admin", "EnableKeyRotation", true)]
    [InlineData("Admin", "DisableKey", false)]
    [InlineData("Admin", "CreateKey", true)]
    [InlineData("Emergency", "DisableKey", true)]
    [InlineData("Emergency", "ScheduleKeyDeletion", true)]
    [InlineData("Emergency", "EnableKey", false)]
    [InlineData("Emergency", "EnableKeyRotation", false)]
    [InlineData("Emergency", "CreateKey", false)]
    [InlineData("Recovery", "EnableKey", true)]
    [InlineData("Recovery", "Encrypt", true)]
    [InlineData("Recovery", "DisableKey", false)]
    [InlineData("Recovery", "ScheduleKeyDeletion", false)]
    [InlineData("operator", "Encrypt", false)]
    [InlineData("approver2", "CreateKey", false)]
    public async Task Role_grants_exactly_its_actions(string who, string action, bool allowed)
    {
        var keyId = await NewKeyAsync();
        using var kms = f.Kms(await RoleAsync(who));
        Func<Task> call = action switch
        {
            "EnableKeyRotation" => () => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId }),
            "DisableKey" => () => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }),
            "CreateKey" => () => kms.CreateKeyAsync(new CreateKeyRequest()),
            "ScheduleKeyDeletion" => () => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 }),
            "EnableKey" => () => kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId }),
            "Encrypt" => () => kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("secret"u8.ToArray()) }),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        if (allowed)
        {
            await call();
            return;
        }
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(call);
        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Contains($"is not authorized to perform: kms:{action} on resource: {(action == "CreateKey" ? "*" : KeyArn(keyId))}", e.Message);
    }

    [KmsFact]
    public async Task Denial_shows_the_assumed_role_session_arn()
    {
        var keyId = await NewKeyAsync();
        var (creds, response) = await f.AssumeAsync(f.Server.RecoveryRoleArn, sessionName: "CHG-2026-0001");
        using var kms = f.Kms(creds);
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
            kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 }));
        Assert.StartsWith($"User: {response.AssumedRoleUser.Arn} is not authorized to perform: kms:ScheduleKeyDeletion", e.Message);
    }

    [KmsFact]
    public async Task Root_may_do_everything()
    {
        var keyId = await NewKeyAsync();
        using var kms = f.Kms(f.RootCredentials);
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId });
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId });
        Assert.True((await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId })).KeyRotationEnabled);
    }
}
