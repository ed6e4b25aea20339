@{
    Synopsis    = 'Starts the local AWS-compatible endpoint (KMS, STS, SNS) inside this pwsh, for training, drills and tests.'
    Description = @'
The sandbox listens on 127.0.0.1 only, on -Port or a free port, and speaks KMS, STS and SNS (and IAM's GetRole and
ListMFADevices, signed for us-east-1 as IAM is global) over AWS's real wire protocols with SigV4 checked, so the AWS SDK
and the AWS CLI work against it. It has an account root, the Admin,
Emergency and Recovery roles (Emergency and Recovery need MFA), and the IAM users operator, approver1 and approver2,
each with its own access key and virtual MFA device. It registers the environments "sandbox" (as operator),
"sandbox-approver1", "sandbox-approver2" and "sandbox-trainee" (no KMS permission) for this session. AWS's request quotas apply unless -NoQuotas. With -Wait
it runs in the foreground until Ctrl+C and prints how to point the AWS CLI at it.

It serves the Regions us-east-1 (primary) and eu-west-2 on the same URL: the Region a request is signed for chooses,
and each has its own KMS keys, KMS quotas and SNS topics (buzzkeymgmt-alerts in each), as on AWS; publishing to a topic
of the other Region fails with InvalidParameter, as on AWS. A second URL, KmsOnlyEndpoint, answers KMS only, like a KMS
VPC endpoint: STS or SNS requests sent there get 400 {"__type":"UnknownOperationException"}.
'@
    Parameters  = @{
        Port           = 'TCP port on 127.0.0.1 (0 or omitted: a free port).'
        MemberAccounts = 'Host this many member accounts too (0-16; ids 222200001111, 222200002222, …), as a security team''s production, staging and DR accounts: each has the Admin, Emergency and Recovery roles (trusting the sandbox''s users, so the same access key reaches them through STS AssumeRole) and, in each Region, its own keys, KMS quotas and alert topic. Each account-Region is registered as an environment sandbox-acct<n>-<region>.'
        NoQuotas       = 'Do not apply AWS''s per-operation request quotas (ThrottlingException when exceeded).'
        DateHeaderSkew = 'Shift the Date header of every response, to rehearse clock-skew diagnostics.'
        PassThru       = 'Write the sandbox object: Endpoint, KmsOnlyEndpoint, AccountId, Region, Regions, Root, Users, role ARNs, MfaSerial, AlertTopicArn.'
        Wait           = 'Run in the foreground until Ctrl+C, then stop.'
    }
    Outputs     = 'With -PassThru or -Wait, the SandboxServer. Without -Wait it says one line (Sandbox running at <endpoint> (account, Regions); environments ...) on the information stream, shown like Write-Host output, silenced with -InformationAction Ignore.'
    Examples    = @(
        @{ Title = 'Start, practise, stop'; Code = '$sandbox = Start-KeyMgmtSandbox -PassThru; $sandbox.Endpoint; Stop-KeyMgmtSandbox'; Remarks = 'Starts on a free port and shows the endpoint URL.' }
        @{ Title = 'Several accounts and Regions'; Code = 'Start-KeyMgmtSandbox -MemberAccounts 2; Get-KeyMgmtEnvironment -Name ''sandbox-acct*'' | Format-Table Name, AccountId, Region'; Remarks = 'Four environments: two accounts in two Regions each, with their own keys and quotas.' }
        @{ Title = 'Regions and the KMS-only endpoint'; Code = '$sandbox = Start-KeyMgmtSandbox -PassThru; $sandbox.Regions; $sandbox.AlertTopicArnIn(''eu-west-2''); $sandbox.KmsOnlyEndpoint'; Remarks = 'Point a client at KmsOnlyEndpoint to rehearse an environment that reaches KMS through a VPC endpoint only.' }
        @{ Title = 'Serve the AWS CLI from another terminal'; Code = 'Start-KeyMgmtSandbox -Port 4566 -Wait'; Remarks = 'Prints the operator''s credentials and an aws --endpoint-url example; Ctrl+C stops it.'; Run = $false }
    )
}
