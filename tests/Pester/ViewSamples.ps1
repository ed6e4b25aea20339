# Real objects of every output type, made through the built module against the running sandbox (Output.Tests.ps1 runs it
# after Start-KeyMgmtSandbox, in its own data directory). Returns an ordered map: type full name -> @{ Objects; Whole },
# where Whole lists values a table must show unabbreviated (key ids, aliases, operators, environments, request ids).
# A new output type (the drill's report, a new cmdlet's result) gets one `& $add` line here; Output.Tests.ps1 fails for
# any type a format file gives a table view without one.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$prefix = 'alias/CEK_Payments_Ledger_'
$seeded = Add-KeyMgmtSandboxKey -Count 6 -AliasPrefix $prefix -RotationMix
$null = Add-KeyMgmtSandboxKey -Count 1 -AliasPrefix 'alias/x'
$suffixed = Add-KeyMgmtSandboxKey -Count 1 -AliasPrefix 'alias/x'   # alias/x1 is taken: this key gets alias/x1-<8 of its id>
function As([string] $who, [string] $role, [hashtable] $extra = @{}) {
    $envName = if ($who -eq 'operator') { 'sandbox' } else { "sandbox-$who" }
    $mfa = if ($role -in 'Emergency', 'Recovery') { @{ MfaCode = (Get-KeyMgmtSandboxMfaCode -UserName $who) } } else { @{} }
    Connect-KeyManagement -Environment $envName -Role $role @mfa @extra -PassThru
}

$samples = [ordered]@{}
$add = { param($type, $objects, [string[]] $whole) $samples[$type] = @{ Objects = @($objects); Whole = @($whole | Where-Object { $_ }) } }
& $add 'BuzzKeyMgmt.Engine.Training.SandboxKeys' @($seeded, $suffixed) (@($seeded.Aliases[0], $seeded.Aliases[-1], $suffixed.Aliases[0]))

$session = As operator Admin
& $add 'BuzzKeyMgmt.Engine.Identity.KeyMgmtSession' $session @($session.Environment, "$($session.Role)", $session.Operator)
$envs = @(Get-KeyMgmtEnvironment)
& $add 'BuzzKeyMgmt.Engine.Configuration.KeyMgmtEnvironment' $envs @($envs.Name)
$checks = @(Test-KeyMgmtEnvironment -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
& $add 'BuzzKeyMgmt.Engine.Diagnostics.EnvironmentCheck' $checks @($checks.Name)

$status = @(Get-KeyStatus -Alias "$prefix*")
& $add 'BuzzKeyMgmt.Engine.Status.KeyStatus' $status (@($status.KeyId) + @($status.Alias))
$due = @(Get-KeyRotationDue -Within 400)
& $add 'BuzzKeyMgmt.Engine.Rotation.RotationDueItem' $due (@($due.KeyId) + @($due.Alias))
$policy = @("${prefix}1", "${prefix}2" | Set-KeyRotationPolicy -RotationPeriodDays 90 -Confirm:$false)
& $add 'BuzzKeyMgmt.Engine.Rotation.RotationPolicyResult' $policy (@($policy.KeyId) + @($policy.Alias))
$rotated = @(Invoke-KeyRotation "${prefix}3" -Confirm:$false)
& $add 'BuzzKeyMgmt.Engine.Rotation.RotationResult' $rotated (@($rotated.KeyId) + @($rotated.Alias))
$findings = @(Get-KeyCompliance -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Where-Object { $_.Alias -like "$prefix*" -or -not $_.KeyId })
& $add 'BuzzKeyMgmt.Engine.Compliance.ComplianceFinding' $findings @($findings.Alias)
$summary = @(Get-KeyCompliance -Summary -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
& $add 'BuzzKeyMgmt.Engine.Compliance.ComplianceSummary' $summary @($summary.Environment)

$null = As operator Emergency @{ IncidentId = 'INC-2026-0042' }
$revoked = @("${prefix}4", "${prefix}5" | Revoke-EncryptionKey -IncidentId INC-2026-0042 -Reason 'suspected leak' -Force)
& $add 'BuzzKeyMgmt.Engine.Operations.Revocation.RevocationResult' $revoked @($revoked.Alias)

$null = As operator Recovery @{ ChangeId = 'CHG-2026-0107' }
$request = Request-KeyRecovery "${prefix}4" -ChangeId CHG-2026-0107 -Reason 'false alarm'
$null = As approver1 Recovery @{ ChangeId = 'CHG-2026-0107' }
$null = Approve-KeyRecovery $request.RequestId
$null = As approver2 Recovery @{ ChangeId = 'CHG-2026-0107' }
$approved = Approve-KeyRecovery $request.RequestId
& $add 'BuzzKeyMgmt.Engine.Audit.RecoveryRequest' @($request, $approved) @("$($request.RequestId)", $request.Alias, ($request.RequestedBy -replace '^.*[:/]', ''))
$null = As operator Recovery @{ ChangeId = 'CHG-2026-0107' }
$restored = @(Restore-EncryptionKey "${prefix}4" -ChangeId CHG-2026-0107 -Confirm:$false)
& $add 'BuzzKeyMgmt.Engine.Operations.Recovery.RecoveryResult' $restored (@($restored.Alias) + @($restored.ChangeId))
$access = @(Test-KeyAccess "${prefix}6")
& $add 'BuzzKeyMgmt.Engine.Operations.Recovery.AccessTestResult' $access @($access.Alias)

$audit = @(Get-KeyAuditLog -Last 40)
& $add 'BuzzKeyMgmt.Engine.Audit.AuditRecord' $audit (@($audit.Alias | Where-Object { $_ } | Select-Object -Unique) + @($audit.OperatorName -replace ' \(.*\)$', '' | Select-Object -Unique) + @($audit.IncidentId + $audit.ChangeId | Where-Object { $_ } | Select-Object -Unique))
$chain = @(Test-KeyAuditIntegrity | Where-Object { $_.PSObject.TypeNames[0] -eq 'BuzzKeyMgmt.Engine.Audit.ChainVerification' })
& $add 'BuzzKeyMgmt.Engine.Audit.ChainVerification' $chain @()
$sync = @(Sync-KeyAuditJournal -Confirm:$false)
& $add 'BuzzKeyMgmt.Engine.Audit.AuditSyncResult' $sync @()

$drill = Invoke-KeyRevocationDrill -Environment sandbox -WarningAction SilentlyContinue
& $add 'BuzzKeyMgmt.Engine.Drills.DrillReport' $drill @($drill.DrillId, $drill.Environment, "$($drill.Status)")
& $add 'BuzzKeyMgmt.Engine.Drills.DrillStep' $drill.Steps @($drill.Steps.Name)
$history = @(Get-KeyDrillHistory -Environment sandbox)
& $add 'BuzzKeyMgmt.Engine.Drills.DrillHistoryEntry' $history (@($history.DrillId) + @($history.Environment))

$listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
$sql = @(Test-SqlConnectionEncryption -ConnectionString "Server=tcp:127.0.0.1,$port;Encrypt=True;Connect Timeout=1" -ErrorAction SilentlyContinue)
& $add 'BuzzKeyMgmt.Engine.Audit.SqlServer.SqlConnectionEncryption' $sql @($sql.Server)

$samples
