using System.Management.Automation;
using BuzzKeyMgmt.Engine.Alerts;

namespace BuzzKeyMgmt;

/// <summary>How one key of a bulk run ended. Declined (not confirmed, or -WhatIf) is not counted: nothing was attempted.</summary>
internal enum BulkOutcome { Changed, Already, Failed, Skipped, Declined }

/// <summary>
/// The pipeline of a state-changing cmdlet over many keys (Revoke-EncryptionKey, Restore-EncryptionKey, the rotation
/// cmdlets): the items are collected as they arrive (ProcessRecord) and acted on once the input has ended
/// (EndProcessing), so the total is known before the first change. More keys than <c>-MaxKeys</c> stop the command
/// there, saying how many, with nothing changed. Each key is then run in turn with a progress bar (keys done of the
/// total) and the run ends with one summary line (changed, already, failed, time), written to the host as Write-Host
/// does (the information stream tagged PSHOST: shown by default, captured with 6>&amp;1 or -InformationVariable, silenced like Write-Host with 6>$null or -InformationAction Ignore, never
/// mixed into the output objects). A run of one key shows neither: it is not a bulk run.
/// </summary>
internal sealed class BulkKeyRun<TItem>
{
    private readonly PSCmdlet _cmdlet;
    private readonly List<(string Key, TItem Item)> _items = new();
    private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);
    private readonly int _activityId;
    private readonly int? _maxKeys;

    /// <param name="maxKeys">The most distinct keys the run may change; null: no limit.</param>
    public BulkKeyRun(PSCmdlet cmdlet, string operation, int activityId, int? maxKeys)
    {
        _cmdlet = cmdlet;
        _activityId = activityId;
        _maxKeys = maxKeys;
        Summary = new BulkRunSummary(operation);
    }

    public BulkRunSummary Summary { get; }

    /// <summary>Distinct keys named so far.</summary>
    public int Keys => _distinct.Count;

    public void Add(string key, TItem item)
    {
        _items.Add((key, item));
        _distinct.Add(key);
    }

    /// <summary>Stops the command (terminating, nothing changed) when more keys came than -MaxKeys allows.</summary>
    public void RefuseOverLimit(string maxKeysParameter = "MaxKeys")
    {
        if (_maxKeys is not { } max || Keys <= max) return;
        var name = _cmdlet.MyInvocation.MyCommand.Name;
        var message = $"{name} was given {Keys} keys, more than -{maxKeysParameter} {max}: it stopped before the first change, and nothing was changed.";
        _cmdlet.ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message), "TooManyKeys", ErrorCategory.LimitsExceeded, Keys)
        {
            ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = $"Check the list (the same pipeline with -WhatIf shows each key), then run it again with -{maxKeysParameter} {Keys}.",
            },
        });
    }

    /// <summary>Runs every collected item in order, with progress when there is more than one, then the summary line.</summary>
    public void Run(Func<string, TItem, BulkOutcome> act)
    {
        var total = _items.Count;
        var bulk = total > 1;
        var activity = $"{_cmdlet.MyInvocation.MyCommand.Name} ({Summary.Operation})";
        for (var i = 0; i < total; i++)
        {
            var (key, item) = _items[i];
            if (bulk)
            {
                // A new record each time: a host or a stream may keep the records it was given.
                _cmdlet.WriteProgress(new ProgressRecord(_activityId, activity,
                    $"{i} of {total} done: {Summary.Changed} changed, {Summary.Already} already, {Summary.Failed} failed; now {key}")
                {
                    PercentComplete = i * 100 / total,
                });
            }
            switch (act(key, item))
            {
                case BulkOutcome.Changed: Summary.Done(); break;
                case BulkOutcome.Already: Summary.Done(already: true); break;
                case BulkOutcome.Failed: Summary.Fail(); break;
                case BulkOutcome.Skipped: Summary.Skip(); break;
            }
        }
        if (!bulk) return;
        _cmdlet.WriteProgress(new ProgressRecord(_activityId, activity, $"{total} of {total} done")
        {
            PercentComplete = 100,
            RecordType = ProgressRecordType.Completed,
        });
        if (Summary.Keys > 0) WriteSummary(_cmdlet, Summary.ToString());
    }

    /// <summary>The summary line, to the host as Write-Host writes (tags PSHOST and BuzzKeyMgmt.Summary).</summary>
    public static void WriteSummary(Cmdlet cmdlet, string line) =>
        cmdlet.WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "BuzzKeyMgmt.Summary" });

    /// <summary>Whether to go ahead with one key: -Force skips the confirmation unless -WhatIf or an explicit -Confirm
    /// asks otherwise; else ShouldProcess decides (and prompts as the preferences say).</summary>
    public static bool Approved(PSCmdlet cmdlet, bool force, string target, string action)
    {
        var explicitGate = cmdlet.MyInvocation.BoundParameters.ContainsKey("WhatIf") || cmdlet.MyInvocation.BoundParameters.ContainsKey("Confirm")
                           || cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };
        return (force && !explicitGate) || cmdlet.ShouldProcess(target, action);
    }

    /// <summary>Whether the cmdlet runs under -WhatIf (explicitly or by preference).</summary>
    public static bool WhatIf(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? w is SwitchParameter { IsPresent: true } or true
            : cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };
}
