@{
    Synopsis    = 'Lists the SNS messages published to the sandbox (the alerts), oldest first.'
    Description = 'Each message has its TopicArn, MessageId, Subject, Message body, message attributes, time and publisher, so drills can check what was alerted.'
    Parameters  = @{
        TopicArn = 'Only messages published to this topic.'
        Last     = 'Only the last N messages.'
    }
    Outputs     = 'PublishedMessage.'
    Examples    = @( @{ Title = 'The latest alert'; Code = 'Start-KeyMgmtSandbox; Get-KeyMgmtSandboxMessage -Last 1'; Remarks = 'Nothing until something publishes.' } )
}
