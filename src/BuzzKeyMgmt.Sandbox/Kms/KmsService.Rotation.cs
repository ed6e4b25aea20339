namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. The schedule itself
/// (what each call does to a key's dates) is in KmsKey.Rotation.cs.
/// </summary>
public sealed partial class KmsService
{
    /// <summary>RotateKeyOnDemand's lifetime limit per key (the developer guide said 10, the API reference now says 25).</summary>
    public const int OnDemandRotationLimit = 25;

    /// <summary>ConflictException's documented window: "an automatic rotation of this key is currently in progress or
    /// scheduled to begin within the next 20 minutes".</summary>
    public static readonly TimeSpan AutomaticRotationConflictWindow = TimeSpan.FromMinutes(20);

    private TimeSpan _onDemandRotationDuration;

    /// <summary>
    /// How long (sandbox clock) an accepted RotateKeyOnDemand runs before it completes; AWS runs it in the background.
    /// While it runs GetKeyRotationStatus reports OnDemandRotationStartDate and another RotateKeyOnDemand is a
    /// ConflictException. Zero (the default of a bare KmsService): it completes within the call. The HTTP sandbox sets
    /// <see cref="SandboxOptions.OnDemandRotationDuration"/> (2 s by default). May be changed while serving.
    /// </summary>
    public TimeSpan OnDemandRotationDuration
    {
        get => _onDemandRotationDuration;
        set => _onDemandRotationDuration = value >= TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The on-demand rotation duration cannot be negative.");
    }

    private static KmsException NoRotation(KmsKey k) => KmsException.Unsupported($"{k.Arn} origin or key spec does not support automatic key rotation.");

    /// <summary>The checks of the calls that change rotation: pending deletion, then key type, then disabled.</summary>
    private static void MustRotate(KmsKey k)
    {
        NotPendingDeletion(k);
        if (!k.CanRotate) throw NoRotation(k);
        if (k.State == KmsKey.StateDisabled) throw KmsException.Disabled(k.Arn);
    }

    private ServiceResponse EnableKeyRotation(KmsRequest r)
    {
        // Without RotationPeriodInDays the period is the documented default, 365 days, even on a key that had another.
        var period = r.Int("RotationPeriodInDays", 90, 2560) ?? 365;
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "EnableKeyRotation");
            MustRotate(k);
            k.EnableRotation(period, Now);
            return KmsResponse.Empty();
        });
    }

    private ServiceResponse DisableKeyRotation(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "DisableKeyRotation");
            MustRotate(k);
            k.DisableRotation();
            return KmsResponse.Empty();
        });
    }

    /// <summary>
    /// KeyRotationEnabled is false while the key is pending deletion (and true again once the deletion is cancelled); a
    /// disabled key keeps its status, period and date ("The key rotation status does not change when you disable a KMS
    /// key"). AWS managed keys read true, 365 days. Asymmetric and HMAC keys read false rather than failing: older API
    /// references said "The key rotation status of these KMS keys is always false", and Terraform's AWS provider reads
    /// this status for every AWS_KMS-origin key, asymmetric and HMAC ones included, and fails on any error.
    /// </summary>
    private ServiceResponse GetKeyRotationStatus(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            var enabled = k.ReportsRotationEnabled;
            return KmsResponse.Write(w =>
            {
                w.WriteBoolean("KeyRotationEnabled", enabled);
                w.WriteString("KeyId", k.Arn);
                if (enabled)
                {
                    w.WriteNumber("RotationPeriodInDays", k.RotationPeriodDays);
                    if (k.NextRotationDate is { } next) w.Time("NextRotationDate", next);
                }
                if (k.OnDemandRotationStartDate is { } started) w.Time("OnDemandRotationStartDate", started);
            });
        });
    }

    private ServiceResponse RotateKeyOnDemand(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "RotateKeyOnDemand");
            MustRotate(k);
            // The messages follow the shapes' documentation (AWS does not publish the exact texts).
            if (k.OnDemandRotationStartDate is not null)
                throw KmsException.Conflict($"The request was rejected because an on-demand rotation of {k.Arn} is currently in progress.");
            if (k.RotationEnabled && k.NextRotationDate is { } next && next - Now <= AutomaticRotationConflictWindow)
                throw KmsException.Conflict($"The request was rejected because an automatic rotation of {k.Arn} is currently in progress or scheduled to begin within the next 20 minutes.");
            if (k.OnDemandRotations >= OnDemandRotationLimit)
                throw KmsException.LimitExceeded($"On-demand rotations per key quota for {k.Arn} is {OnDemandRotationLimit}, current usage is {k.OnDemandRotations}.");
            k.StartOnDemandRotation(Now, OnDemandRotationDuration);
            return KmsResponse.Write(w => w.WriteString("KeyId", k.Id));
        });
    }

    private ServiceResponse ListKeyRotations(KmsRequest r)
    {
        var limit = r.Int("Limit", 1, 1000) ?? 100;
        var start = (int)Math.Clamp(ParseMarker(r.String("Marker", max: 1024)), 0, int.MaxValue);
        var include = r.String("IncludeKeyMaterial") ?? "ROTATIONS_ONLY";
        if (include is not ("ROTATIONS_ONLY" or "ALL_KEY_MATERIAL"))
            throw KmsException.Validation($"'{include}'", "includeKeyMaterial", "Member must satisfy enum value set: [ALL_KEY_MATERIAL, ROTATIONS_ONLY]");
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            if (!k.CanRotate) throw NoRotation(k);
            // Completed rotations only (an on-demand rotation in progress is not listed yet). ALL_KEY_MATERIAL adds the
            // first key material, which has no RotationDate nor RotationType.
            IEnumerable<RotationEntry?> entries = k.Rotations;
            if (include == "ALL_KEY_MATERIAL") entries = entries.Prepend(null);
            var page = entries.Skip(start).Take(limit + 1).ToList();
            return KmsResponse.Write(w =>
            {
                w.WriteStartArray("Rotations");
                var current = k.MaterialId(k.Materials.Count - 1);
                foreach (var e in page.Take(limit))
                {
                    var material = e?.KeyMaterialId ?? k.MaterialId(0);
                    w.WriteStartObject();
                    w.WriteString("KeyId", k.Id);
                    w.WriteString("KeyMaterialId", material);
                    w.WriteString("KeyMaterialState", material == current ? "CURRENT" : "NON_CURRENT");
                    if (e is not null)
                    {
                        w.Time("RotationDate", e.RotationDate);
                        w.WriteString("RotationType", e.RotationType);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("Truncated", page.Count > limit);
                if (page.Count > limit) w.WriteString("NextMarker", (start + limit).ToString(System.Globalization.CultureInfo.InvariantCulture));
            });
        });
    }
}
