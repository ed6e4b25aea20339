#requires -Version 7.4
<#
.SYNOPSIS
    Measures the sandbox's throughput: N concurrent real AWS SDK clients calling one operation in a loop.
.DESCRIPTION
    Builds the sandbox test project (which carries the sandbox and the AWS SDK assemblies), starts a SandboxServer
    inside this pwsh process with quotas off, and runs -Clients SDK clients for -Seconds after -WarmupSeconds (default 5) that are not counted: the JIT's tiering
    needs them, a shorter warm-up measures the compiler rather than the sandbox.
    Prints requests per second and the ratio to -TargetRps (the brief's goal: DescribeKey >= 5,000/s with 16 clients).
    -LatencyMs adds a "*" latency fault to every call (how drills simulate a remote endpoint).
.EXAMPLE
    dotnet pwsh bench/sandbox.ps1 -Operation DescribeKey -Clients 16 -Seconds 5
#>
param(
    [ValidateSet('DescribeKey', 'GetCallerIdentity')] [string] $Operation = 'DescribeKey',
    [ValidateRange(1, 256)] [int] $Clients = 16,
    [ValidateRange(1, 600)] [int] $Seconds = 10,
    [ValidateRange(0, 600)] [int] $WarmupSeconds = 5,
    [ValidateRange(0, 10000)] [int] $LatencyMs = 0,
    [ValidateRange(1, 1000000)] [int] $TargetRps = 5000,
    [switch] $NoBuild
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$project = Join-Path $root 'tests/BuzzKeyMgmt.Sandbox.Tests/BuzzKeyMgmt.Sandbox.Tests.csproj'
$out = Join-Path $root 'tests/BuzzKeyMgmt.Sandbox.Tests/bin/Release/net10.0'
if (-not $NoBuild) {
    dotnet build $project -c Release --nologo -v quiet | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "Build of $project failed (exit $LASTEXITCODE)." }
}
$assemblies = 'AWSSDK.Core.dll', 'AWSSDK.KeyManagementService.dll', 'AWSSDK.SecurityToken.dll', 'Otp.NET.dll', 'BuzzKeyMgmt.Sandbox.dll' |
    ForEach-Object { Join-Path $out $_ }
foreach ($a in $assemblies) {
    if (-not (Test-Path $a)) { throw "Missing $a; run without -NoBuild." }
    Add-Type -Path $a
}
Add-Type -IgnoreWarnings -ReferencedAssemblies ($assemblies + 'System.Net.Http', 'System.Net.Primitives', 'System.Runtime', 'System.Collections', 'System.Linq', 'System.Threading', 'System.Threading.Thread', 'System.Runtime.Extensions', 'netstandard') -WarningAction SilentlyContinue -TypeDefinition @'
using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox;

public static class SandboxBench
{
    public static double Run(SandboxServer server, string operation, int clients, int seconds, int warmup, out long errors)
    {
        var creds = new BasicAWSCredentials(server.Root.AccessKeyId, server.Root.SecretAccessKey);
        Func<AmazonKeyManagementServiceClient> kms = () => new AmazonKeyManagementServiceClient(creds,
            new AmazonKeyManagementServiceConfig { ServiceURL = server.Endpoint, AuthenticationRegion = server.Region, MaxErrorRetry = 0 });
        string keyId = null;
        if (operation == "DescribeKey")
            using (var k = kms()) keyId = k.CreateKeyAsync(new CreateKeyRequest()).GetAwaiter().GetResult().KeyMetadata.KeyId;
        long count = 0, failed = 0;
        var stopAt = DateTime.UtcNow.AddSeconds(seconds + warmup);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var k = kms();
            using var sts = new AmazonSecurityTokenServiceClient(creds,
                new AmazonSecurityTokenServiceConfig { ServiceURL = server.Endpoint, AuthenticationRegion = server.Region, MaxErrorRetry = 0 });
            while (DateTime.UtcNow < stopAt)
            {
                try
                {
                    if (keyId != null) await k.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId });
                    else await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
                    Interlocked.Increment(ref count);
                }
                catch (Exception) { Interlocked.Increment(ref failed); }
            }
        })).ToArray();
        Thread.Sleep(warmup * 1000);              // warm-up seconds are not counted
        long start = Interlocked.Read(ref count);
        var watch = Stopwatch.StartNew();
        Task.WaitAll(workers);
        watch.Stop();
        errors = failed;
        return (Interlocked.Read(ref count) - start) / watch.Elapsed.TotalSeconds;
    }
}
'@
$server = [BuzzKeyMgmt.Sandbox.SandboxServer]::Start([BuzzKeyMgmt.Sandbox.SandboxOptions]@{ EnforceQuotas = $false })
try {
    if ($LatencyMs -gt 0) {
        $null = $server.Faults.Add([BuzzKeyMgmt.Sandbox.Realism.FaultRule]::Latency('*', [TimeSpan]::FromMilliseconds($LatencyMs)))
    }
    $errors = 0L
    $rps = [SandboxBench]::Run($server, $Operation, $Clients, $Seconds, $WarmupSeconds, [ref] $errors)
    $ratio = $rps / $TargetRps
    '{0}: {1:N0} requests/s with {2} clients over {3}s after a {8}s warm-up (latency {4} ms), errors {5}; ratio to target {6:N0}/s: {7:N2}' -f `
        $Operation, $rps, $Clients, $Seconds, $LatencyMs, $errors, $TargetRps, $ratio, $WarmupSeconds
    if ($errors -gt 0) { exit 2 }
}
finally {
    $server.Dispose()
}
