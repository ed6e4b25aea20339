@{
    Synopsis    = 'Injects faults into sandbox calls: throttling, internal errors, timeouts, latency, dropped connections.'
    Description = 'A fault targets KMS.<Operation>, STS.<Action>, SNS.<Action>, <Service>.* or * and hits the next -Count matching calls (default 1) or each call with -Probability. Latency adds -Latency before a normal answer. -Clear removes every fault.'
    Parameters  = @{
        Operation   = 'What to hit: KMS.DisableKey, SNS.Publish, STS.AssumeRole, KMS.* or *.'
        Kind        = 'Throttling, InternalError, DependencyTimeout, Latency, DropConnection, or SilentNoOp (KMS: answer success without applying the change, as a lost write would).'
        Count       = 'Hit the next N matching calls (default 1).'
        Probability = 'Hit each matching call with this probability (0-1) until cleared.'
        Latency     = 'Delay added by a Latency fault (also added before a failure of the other kinds).'
        Clear       = 'Remove every injected fault.'
    }
    Outputs     = 'The FaultRule, whose Applied property counts the calls it hit.'
    Examples    = @(
        @{ Title = 'Throttle the next two DisableKey calls'; Code = 'Start-KeyMgmtSandbox; Set-KeyMgmtSandboxFault -Operation KMS.DisableKey -Kind Throttling -Count 2'; Remarks = 'Revocation must retry through them.' }
        @{ Title = 'Realistic latency for benchmarks'; Code = 'Set-KeyMgmtSandboxFault -Operation * -Kind Latency -Probability 1 -Latency ''00:00:00.015''; Set-KeyMgmtSandboxFault -Clear'; Remarks = 'Adds 15 ms to every call, then removes it again.'; Setup = 'Start-KeyMgmtSandbox' }
    )
}
