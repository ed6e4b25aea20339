using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>Writes awsJson1_1 answers: timestamps as epoch seconds, blobs as base64.</summary>
internal static class KmsResponse
{
    public const string ContentType = "application/x-amz-json-1.1";
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ServiceResponse Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return new ServiceResponse(200, ContentType, buffer.WrittenSpan.ToArray());
    }

    public static ServiceResponse Empty() => new(200, ContentType, Array.Empty<byte>());

    public static ServiceResponse Error(KmsException e) => Write(w =>
    {
        w.WriteString("__type", e.Type);
        w.WriteString("message", e.Message);
    }) with { StatusCode = e.Status };

    public static void Time(this Utf8JsonWriter w, string name, DateTimeOffset value) =>
        w.WriteNumber(name, Math.Round(value.ToUnixTimeMilliseconds() / 1000.0, 3));

    /// <summary>DescribeKey's KeyMetadata (also CreateKey's).</summary>
    public static void Metadata(Utf8JsonWriter w, KmsKey k, string accountId)
    {
        w.WriteStartObject("KeyMetadata");
        w.WriteString("AWSAccountId", accountId);
        w.WriteString("KeyId", k.Id);
        w.WriteString("Arn", k.Arn);
        w.Time("CreationDate", k.CreationDate);
        w.WriteBoolean("Enabled", k.State == KmsKey.StateEnabled);
        w.WriteString("Description", k.Description);
        w.WriteString("KeyUsage", k.KeyUsage);
        w.WriteString("KeyState", k.State);
        if (k.State == KmsKey.StatePendingDeletion && k.DeletionDate is { } d) w.Time("DeletionDate", d);
        w.WriteString("Origin", k.Origin);
        w.WriteString("KeyManager", k.KeyManager);
        w.WriteString("CustomerMasterKeySpec", k.KeySpec);
        w.WriteString("KeySpec", k.KeySpec);
        w.WriteStartArray("EncryptionAlgorithms");
        if (k.KeyUsage == "ENCRYPT_DECRYPT")
        {
            if (k.IsSymmetric) w.WriteStringValue("SYMMETRIC_DEFAULT");
            else { w.WriteStringValue("RSAES_OAEP_SHA_1"); w.WriteStringValue("RSAES_OAEP_SHA_256"); }
        }
        w.WriteEndArray();
        if (k.KeyUsage == "SIGN_VERIFY")
        {
            w.WriteStartArray("SigningAlgorithms");
            var algorithms = k.KeySpec == "ECC_NIST_P256" ? new[] { "ECDSA_SHA_256" }
                : new[] { "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512" };
            foreach (var a in algorithms) w.WriteStringValue(a);
            w.WriteEndArray();
        }
        if (k.KeyUsage == "GENERATE_VERIFY_MAC")
        {
            w.WriteStartArray("MacAlgorithms");
            w.WriteStringValue("HMAC_SHA_256");
            w.WriteEndArray();
        }
        w.WriteBoolean("MultiRegion", false);
        w.WriteEndObject();
    }
}
