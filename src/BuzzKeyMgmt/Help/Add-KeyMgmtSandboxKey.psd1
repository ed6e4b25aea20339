@{
    Synopsis    = 'Seeds the sandbox with a fleet of keys for training and benchmarks.'
    Description = 'Creates -Count keys directly (no quotas, thousands per second), each with the alias <AliasPrefix><n>. Without a mix they are enabled symmetric keys with rotation off. With -RotationMix the fleet looks real: most keys rotate every 90 days, some do not rotate, a few are disabled or pending deletion (all symmetric). With -FleetMix it is a mixed fleet: half of it the -RotationMix pattern, the other half keys rotating every 180, 365, 730 or 2560 days, keys with rotation on that never rotated yet, keys rotated on demand recently, RSA_3072 and ECC_NIST_P256 signing keys, HMAC_256 keys, disabled keys whose rotation date passed while disabled, and a key pending deletion with rotation on. Key n is of the same kind in every run; creation and rotation dates lie in the past of the sandbox clock, so nothing needs the clock moved. The sandbox object''s Kms.KeyFacts() lists what each key is, for checking results. Keys go to the sandbox''s primary Region (us-east-1) unless -Region names another Region it serves (eu-west-2 by default); each Region has its own keys, as on AWS, and KmsIn(''eu-west-2'').KeyFacts() lists that Region''s.'
    Parameters  = @{
        Count       = 'How many keys to create (1-1,000,000).'
        AliasPrefix = 'Alias prefix; keys are named <prefix>1, <prefix>2, … (default alias/CEK_User_).'
        RotationMix = 'Give the fleet a realistic mix of rotation settings and key states (symmetric keys, 90-day rotation).'
        FleetMix    = 'Give the fleet a mixed fleet: the -RotationMix pattern plus longer rotation periods, keys never rotated, recent on-demand rotations, asymmetric and HMAC keys.'
        AccountId   = 'The account to create the keys in: the sandbox''s own (default) or one of its member accounts (Start-KeyMgmtSandbox -MemberAccounts). Another is an error (AccountNotInSandbox).'
        Region      = 'The Region to create the keys in, one of the sandbox''s Regions (its Regions property); default its primary Region. A Region it does not serve is an error (RegionNotServed).'
    }
    Outputs     = 'SandboxKeys: Count, Region, AliasPrefix, Mix (Plain, RotationMix or FleetMix), KeyIds and Aliases (in order; an alias already taken gets the suffix -<first 8 characters of the key id>). Its text is the count.'
    Examples    = @(
        @{ Title = 'A fleet of 2,500 keys'; Code = 'Start-KeyMgmtSandbox; Add-KeyMgmtSandboxKey -Count 2500 -AliasPrefix alias/CEK_User_ -RotationMix'; Remarks = 'Then Get-KeyStatus -All reads them all.' }
        @{ Title = 'A second Region''s fleet'; Code = '$sandbox = Start-KeyMgmtSandbox -PassThru; Add-KeyMgmtSandboxKey -Count 200 -Region eu-west-2 -RotationMix; $sandbox.KmsIn(''eu-west-2'').KeyFacts().Count'; Remarks = 'The keys exist in eu-west-2 only: a client signing for us-east-1 does not see them.' }
        @{ Title = 'A mixed fleet of 10,000 keys and its truth'; Code = '$sandbox = Start-KeyMgmtSandbox -PassThru; Add-KeyMgmtSandboxKey -Count 10000 -FleetMix; $sandbox.Kms.KeyFacts() | Group-Object KeySpec'; Remarks = 'KeyFacts() reads every key in process, as DescribeKey, GetKeyRotationStatus and ListKeyRotations would answer.' }
    )
}
