@{
    Synopsis    = 'Seeds the sandbox with a fleet of keys for training and benchmarks.'
    Description = 'Creates -Count symmetric keys directly (no quotas, thousands per second), each with the alias <AliasPrefix><n>. With -RotationMix the fleet looks real: most keys rotate every 90 days, some do not rotate, a few are disabled or pending deletion.'
    Parameters  = @{
        Count       = 'How many keys to create (1-1,000,000).'
        AliasPrefix = 'Alias prefix; keys are named <prefix>1, <prefix>2, … (default alias/CEK_User_).'
        RotationMix = 'Give the fleet a realistic mix of rotation settings and key states.'
    }
    Outputs     = 'The number of keys created.'
    Examples    = @( @{ Title = 'A fleet of 2,500 keys'; Code = 'Start-KeyMgmtSandbox; Add-KeyMgmtSandboxKey -Count 2500 -AliasPrefix alias/CEK_User_ -RotationMix'; Remarks = 'Then Get-KeyStatus -All reads them all.' } )
}
