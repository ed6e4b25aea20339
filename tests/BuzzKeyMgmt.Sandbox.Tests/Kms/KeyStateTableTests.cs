using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

/// <summary>Each row of the key-state table (reference facts) for keys Enabled, Disabled and PendingDeletion.</summary>
public sealed class KeyStateTableTests
{
    private readonly KmsFixture _f = new();

    /// <summary>A key in the state asked for, with a ciphertext made while it was still enabled.</summary>
    private (string Id, string Arn, string Ciphertext) KeyIn(string state)
    {
        var id = _f.CreateKey();
        var blob = _f.Encrypt(id, "secret"u8.ToArray());
        if (state == "Disabled") _f.Ok("DisableKey", new { KeyId = id });
        if (state == "PendingDeletion") _f.Ok("ScheduleKeyDeletion", new { KeyId = id });
        Assert.Equal(state, _f.State(id));
        return (id, KmsFixture.KeyArn(id), blob);
    }

    private void Expect(string operation, object body, string state, string? type, int status, string? message, string afterState)
    {
        var a = _f.Call(operation, body);
        Assert.True(a.Status == status && a.ErrorType == type, $"{operation} on {state}: got {a.Status} {a.Body.ToJsonString()}");
        if (message is not null) Assert.Equal(message, a.Message);
        var id = body.GetType().GetProperty("KeyId")!.GetValue(body)!.ToString()!;
        Assert.Equal(afterState, _f.State(id));
    }

    [Theory]
    [InlineData("Enabled", null, 200, "Disabled")]
    [InlineData("Disabled", null, 200, "Disabled")]              // no-op, no error
    [InlineData("PendingDeletion", "KMSInvalidStateException", 409, "PendingDeletion")]
    public void DisableKey(string state, string? type, int status, string after)
    {
        var k = KeyIn(state);
        Expect("DisableKey", new { KeyId = k.Id }, state, type, status, type is null ? null : $"{k.Arn} is pending deletion.", after);
    }

    [Theory]
    [InlineData("Enabled", null, 200, "Enabled")]
    [InlineData("Disabled", null, 200, "Enabled")]
    [InlineData("PendingDeletion", "KMSInvalidStateException", 409, "PendingDeletion")]
    public void EnableKey(string state, string? type, int status, string after)
    {
        var k = KeyIn(state);
        Expect("EnableKey", new { KeyId = k.Id }, state, type, status, type is null ? null : $"{k.Arn} is pending deletion.", after);
    }

    [Theory]
    [InlineData("Enabled", null, 200, "PendingDeletion")]
    [InlineData("Disabled", null, 200, "PendingDeletion")]
    [InlineData("PendingDeletion", "KMSInvalidStateException", 409, "PendingDeletion")]
    public void ScheduleKeyDeletion(string state, string? type, int status, string after)
    {
        var k = KeyIn(state);
        Expect("ScheduleKeyDeletion", new { KeyId = k.Id }, state, type, status, type is null ? null : $"{k.Arn} is pending deletion.", after);
    }

    [Theory]
    [InlineData("Enabled", "KMSInvalidStateException", 409, "Enabled")]
    [InlineData("Disabled", "KMSInvalidStateException", 409, "Disabled")]
    [InlineData("PendingDeletion", null, 200, "Disabled")]     // comes back Disabled, not Enabled
    public void CancelKeyDeletion(string state, string? type, int status, string after)
    {
        var k = KeyIn(state);
        Expect("CancelKeyDeletion", new { KeyId = k.Id }, state, type, status, type is null ? null : $"{k.Arn} is not pending deletion.", after);
    }

    [Theory]
    [InlineData("Enabled", null, 200)]
    [InlineData("Disabled", "DisabledException", 409)]
    [InlineData("PendingDeletion", "KMSInvalidStateException", 409)]
    public void Encrypt_Decrypt_GenerateDataKey(string state, string? type, int status)
    {
        var k = KeyIn(state);
        var message = type switch { "DisabledException" => $"{k.Arn} is disabled.", null => null, _ => $"{k.Arn} is pending deletion." };
        var plaintext = Convert.ToBase64String("more"u8.ToArray());
        Expect("Encrypt", new { KeyId = k.Id, Plaintext = plaintext }, state, type, status, message, state);
        Expect("Decrypt", new { KeyId = k.Id, CiphertextBlob = k.Ciphertext }, state, type, status, message, state);
        Expect("GenerateDataKey", new { KeyId = k.Id, KeySpec = "AES_256" }, state, type, status, message, state);
    }

    [Theory]
    [InlineData("Enabled", null, 200)]
    [InlineData("Disabled", "DisabledException", 409)]
    [InlineData("PendingDeletion", "KMSInvalidStateException", 409)]
    public void EnableKeyRotation(string state, string? type, int status)
    {
        var k = KeyIn(state);
        var message = type switch { "DisabledException" => $"{k.Arn} is disabled.", null => null, _ => $"{k.Arn} is pending deletion." };
        Expect("EnableKeyRotation", new { KeyId = k.Id }, state, type, status, message, state);
    }

    [Fact]
    public void EnableKeyRotation_on_an_RSA_key_is_UnsupportedOperation()
    {
        var id = _f.CreateKey(new { KeySpec = "RSA_2048", KeyUsage = "ENCRYPT_DECRYPT" });
        _f.Fails("EnableKeyRotation", new { KeyId = id }, "UnsupportedOperationException", 400);
        _f.Fails("RotateKeyOnDemand", new { KeyId = id }, "UnsupportedOperationException", 400);
    }
}
