namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>The AWS services the module calls.</summary>
public enum AwsService { Kms, Sts, Sns, Iam }

/// <summary>
/// Where each service is reached: an explicit URL per service (a VPC endpoint, the sandbox), or null for the service's
/// public endpoint in the Region. Real accounts are not uniform: a KMS VPC endpoint answers KMS only, so each service
/// has its own entry; the sandbox, which serves all three on one URL, is the one case where they coincide.
/// IAM is global: its public endpoint is one per partition (https://iam.amazonaws.com/ in the aws partition), whatever
/// the Region; an <see cref="Iam"/> URL (the sandbox) replaces it.
/// </summary>
public sealed record ServiceEndpoints(string? Kms = null, string? Sts = null, string? Sns = null, string? Iam = null)
{
    public static readonly ServiceEndpoints Public = new();

    /// <summary>The same URL for every service (the sandbox, or the one-for-all <c>endpointUrl</c> shorthand).</summary>
    public static ServiceEndpoints All(string? url) => url is null ? Public : new ServiceEndpoints(url, url, url, url);

    public string? For(AwsService service) => service switch
    {
        AwsService.Kms => Kms,
        AwsService.Sts => Sts,
        AwsService.Sns => Sns,
        AwsService.Iam => Iam,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };
}
