using System.Net;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Aws;

namespace BuzzKeyMgmt.Engine.Tests.Services;

public class AwsErrorsTests
{
    private static AmazonServiceException WithoutCode(string message, HttpStatusCode status) =>
        new(message, ErrorType.Unknown, "", "req-1", status);

    [Fact]
    public void An_error_without_a_code_names_the_service_and_the_http_status_never_colon_colon()
    {
        var e = AwsErrors.Translate(WithoutCode("The service returned an error with HTTP Body: {\"__type\":\"UnknownOperationException\"}", HttpStatusCode.BadRequest),
            "GetCallerIdentity", environment: "staging", service: AwsService.Sts);

        Assert.Equal("WrongServiceEndpoint", e.ErrorId);
        Assert.DoesNotContain(": :", e.Message);
        Assert.Contains("the STS endpoint answered HTTP 400 (BadRequest) without an AWS error code", e.Message);
        Assert.Contains("endpoints.sts", e.RecommendedAction);
    }

    [Fact]
    public void A_codeless_5xx_from_a_proxy_is_unavailable_with_its_status()
    {
        var e = AwsErrors.Translate(WithoutCode("Bad Gateway", HttpStatusCode.BadGateway), "DisableKey", "alias/a");

        Assert.Equal(("AwsErrorWithoutCode", FailureKind.ResourceUnavailable), (e.ErrorId, e.Kind));
        Assert.Contains("the KMS endpoint answered HTTP 502", e.Message);
    }

    [Fact]
    public void An_error_with_a_code_is_unchanged()
    {
        var e = AwsErrors.Translate(new AmazonServiceException("Key 'x' does not exist", ErrorType.Sender, "NotFoundException", "r", HttpStatusCode.BadRequest),
            "DescribeKey", "alias/x");

        Assert.Equal("KeyNotFound", e.ErrorId);
    }
}
