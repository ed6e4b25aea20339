using BuzzKeyMgmt.Sandbox.Kms;
using Xunit;

namespace BuzzKeyMgmt.Sandbox.Tests.Kms;

public sealed class RequestValidationTests
{
    private readonly KmsFixture _f = new();

    [Theory]
    [InlineData("{\"KeyId\": ")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"KeyId\": 5}")]
    public void Malformed_or_mistyped_JSON_is_a_SerializationException(string body)
    {
        var a = _f.Raw("DescribeKey", body);
        Assert.Equal(400, a.Status);
        Assert.Equal("SerializationException", a.ErrorType);
    }

    [Theory]
    [InlineData("DescribeKey", "{}", "keyId")]
    [InlineData("DisableKey", "", "keyId")]
    [InlineData("Encrypt", "{\"KeyId\":\"alias/x\"}", "plaintext")]
    [InlineData("Decrypt", "{}", "ciphertextBlob")]
    [InlineData("CreateAlias", "{\"TargetKeyId\":\"k\"}", "aliasName")]
    public void Missing_required_member_is_AWS_shaped_ValidationException(string operation, string body, string member)
    {
        var a = _f.Raw(operation, body);
        Assert.Equal(400, a.Status);
        Assert.Equal("ValidationException", a.ErrorType);
        Assert.Equal($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null", a.Message);
    }

    [Fact]
    public void Out_of_range_values_are_ValidationExceptions()
    {
        var id = _f.CreateKey();
        var big = _f.Fails("Encrypt", new { KeyId = id, Plaintext = Convert.ToBase64String(new byte[4097]) }, "ValidationException", 400);
        Assert.Contains("at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096", big.Message);
        var empty = _f.Fails("DescribeKey", new { KeyId = "" }, "ValidationException", 400);
        Assert.Equal("1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1", empty.Message);
        _f.Fails("ListKeys", new { Limit = 1001 }, "ValidationException", 400);
        _f.Fails("Encrypt", new { KeyId = id, Plaintext = "%%%" }, "SerializationException", 400);
    }

    [Fact]
    public void Errors_carry_the_awsJson_content_type_and_an_unknown_operation_is_refused()
    {
        var a = _f.Raw("DescribeKey", "{}");
        Assert.Equal("application/x-amz-json-1.1", a.ContentType);
        Assert.Equal("UnknownOperationException", _f.Raw("ReEncrypt", "{}").ErrorType);
        Assert.DoesNotContain("ReEncrypt", KmsService.Operations);
    }

    [Fact]
    public void Every_operation_is_implemented_and_answers_garbage_without_throwing()
    {
        Assert.Equal(26, KmsService.Operations.Count);   // 21 + Sign, Verify, GetPublicKey, GenerateMac, VerifyMac
        var random = new Random(42);
        var bodies = new List<byte[]> { "{}"u8.ToArray(), "null"u8.ToArray(), "{\"KeyId\":null,\"Limit\":-1,\"Marker\":\"-7\"}"u8.ToArray() };
        for (var i = 0; i < 20; i++) { var b = new byte[random.Next(1, 64)]; random.NextBytes(b); bodies.Add(b); }
        foreach (var operation in KmsService.Operations)
            foreach (var body in bodies)
            {
                var r = _f.Kms.Invoke(operation, body, KmsFixture.Caller);
                Assert.NotEqual("UnknownOperationException", KmsFixture.Answer(r).ErrorType);
                Assert.InRange(r.StatusCode, 200, 499);   // never a 500: bad input is the caller's error
                if (r.StatusCode != 200) Assert.False(string.IsNullOrEmpty(KmsFixture.Answer(r).ErrorType));
            }
        Assert.Equal("Enabled", _f.State("alias/aws/ebs"));   // garbage changed nothing it should not
    }
}
