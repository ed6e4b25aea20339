namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    /// <summary>
    /// The facts of every live key (AWS managed ones included) in creation order, each brought up to the sandbox clock
    /// first, read in process: no HTTP request, no quota, no request count. See <see cref="KmsKeyFacts"/>.
    /// </summary>
    public IReadOnlyList<KmsKeyFacts> KeyFacts()
    {
        var aliases = _store.Aliases().GroupBy(a => a.TargetKeyId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(a => a.Name).ToArray(), StringComparer.Ordinal);
        var facts = new List<KmsKeyFacts>();
        foreach (var k in _store.Keys())
        {
            lock (k.Gate)
            {
                k.Advance(Now);
                if (k.Deleted) continue;
                var enabled = k.ReportsRotationEnabled;
                var last = k.LastRotation;
                facts.Add(new KmsKeyFacts(k.Id, k.Arn, aliases.GetValueOrDefault(k.Id, []), k.State, k.KeySpec, k.KeyUsage, k.KeyManager,
                    k.Origin, k.CreationDate, k.CanRotate, enabled, enabled ? k.RotationPeriodDays : null, enabled ? k.NextRotationDate : null,
                    k.OnDemandRotationStartDate, last?.RotationDate, last?.RotationType, k.Rotations.Count, k.OnDemandRotations));
            }
        }
        return facts;
    }
}
