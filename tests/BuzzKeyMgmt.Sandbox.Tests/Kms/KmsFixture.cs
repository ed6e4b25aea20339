using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BuzzKeyMgmt.Sandbox.Kms;
using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

/// <summary>One answer of the service: status, content type and the parsed JSON body (empty object when no body).</summary>
public sealed record KmsAnswer(int Status, string ContentType, JsonObject Body)
{
    public string? ErrorType => Body["__type"]?.GetValue<string>();
    public string? Message => Body["message"]?.GetValue<string>();
    public JsonNode this[string name] => Body[name] ?? throw new Xunit.Sdk.XunitException($"member {name} missing in {Body.ToJsonString()}");
}

/// <summary>A fresh KMS service on a manual clock, with helpers that call <see cref="KmsService.Invoke"/> with JSON.</summary>
public sealed class KmsFixture
{
    public const string Account = "111122223333", Region = "eu-west-1";
    public const string Caller = "arn:aws:sts::111122223333:assumed-role/KeyAdmin/alice";

    public ManualClock Clock { get; } = new();
    public KmsService Kms { get; }

    public KmsFixture() => Kms = new KmsService(Account, Region, Clock);

    public static string KeyArn(string id) => $"arn:aws:kms:{Region}:{Account}:key/{id}";
    public static string AliasArn(string name) => $"arn:aws:kms:{Region}:{Account}:{name}";

    public KmsAnswer Raw(string operation, string body) => Answer(Kms.Invoke(operation, Encoding.UTF8.GetBytes(body), Caller));

    public KmsAnswer Call(string operation, object body) => Raw(operation, JsonSerializer.Serialize(body));

    public static KmsAnswer Answer(ServiceResponse r) =>
        new(r.StatusCode, r.ContentType, r.Body.Length == 0 ? new JsonObject() : JsonNode.Parse(r.Body)!.AsObject());

    /// <summary>Calls and asserts success (200), returning the body.</summary>
    public KmsAnswer Ok(string operation, object body)
    {
        var a = Call(operation, body);
        Assert.True(a.Status == 200, $"{operation} answered {a.Status} {a.Body.ToJsonString()}");
        Assert.Equal("application/x-amz-json-1.1", a.ContentType);
        return a;
    }

    /// <summary>Calls and asserts the AWS error type and status; returns the answer for message checks.</summary>
    public KmsAnswer Fails(string operation, object body, string type, int status)
    {
        var a = Call(operation, body);
        Assert.True(a.ErrorType == type && a.Status == status, $"{operation}: expected {type}/{status}, got {a.Status} {a.Body.ToJsonString()}");
        return a;
    }

    public string CreateKey(object? body = null) => Ok("CreateKey", body ?? new { }).Body["KeyMetadata"]!["KeyId"]!.GetValue<string>();

    public JsonNode Describe(string keyRef) => Ok("DescribeKey", new { KeyId = keyRef }).Body["KeyMetadata"]!;

    public string State(string keyRef) => Describe(keyRef)["KeyState"]!.GetValue<string>();

    public string Encrypt(string keyRef, byte[] plaintext, object? context = null) =>
        Ok("Encrypt", new { KeyId = keyRef, Plaintext = Convert.ToBase64String(plaintext), EncryptionContext = context })
            .Body["CiphertextBlob"]!.GetValue<string>();

    public static double Epoch(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;
}
