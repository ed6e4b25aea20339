@{
    Synopsis    = 'Stops this session''s sandbox and removes its environments.'
    Description = 'Closes every connection, unregisters the sandbox environments and forgets the current session when it belonged to the sandbox. Warns when no sandbox is running. -WhatIf says what it would stop and leaves it running.'
    Parameters  = @{}
    Outputs     = 'None.'
    Examples    = @( @{ Title = 'Stop it'; Code = 'Start-KeyMgmtSandbox; Stop-KeyMgmtSandbox'; Remarks = 'The sandbox environments are gone afterwards.' }
        @{ Title = 'What would stop'; Code = 'Start-KeyMgmtSandbox; Stop-KeyMgmtSandbox -WhatIf'; Remarks = 'Names the sandbox it would stop; it keeps running.' } )
}
