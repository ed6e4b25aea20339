namespace BuzzKeyMgmt.Sandbox.Kms;

public sealed partial class KmsService
{
    /// <summary>RotateKeyOnDemand's lifetime limit per key (AWS documents 10, newer models 25).</summary>
    public const int OnDemandRotationLimit = 25;


    private static void MustRotate(KmsKey k)
    {
        NotPendingDeletion(k);
        if (!k.IsSymmetric) throw KmsException.Unsupported($"{k.Arn} origin or key spec does not support automatic key rotation.");
        if (k.State == KmsKey.StateDisabled) throw KmsException.Disabled(k.Arn);
    }

    private ServiceResponse EnableKeyRotation(KmsRequest r)
    {
        var period = r.Int("RotationPeriodInDays", 90, 2560) ?? 365;
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            NotAwsManaged(k, r, "EnableKeyRotation");
            MustRotate(k);
            if (!k.RotationEnabled || k.RotationPeriodDays != period)
            {
                k.RotationEnabled = true;
                k.RotationPeriodDays = period;
                var last = k.Rotations.Count > 0 ? k.Rotations[^1].RotationDate : Now;
                k.NextRotationDate = (last.AddDays(period) > Now ? last : Now).AddDays(period);
            }
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
            k.RotationEnabled = false;
            k.NextRotationDate = null;
            return KmsResponse.Empty();
        });
    }

    private ServiceResponse GetKeyRotationStatus(KmsRequest r)
    {
        var key = _store.Resolve(r.String("KeyId", required: true)!, aliasAllowed: false);
        return Change(key, k =>
        {
            if (!k.IsSymmetric) throw KmsException.Unsupported($"{k.Arn} origin or key spec does not support automatic key rotation.");
            var enabled = k.RotationEnabled && k.State != KmsKey.StatePendingDeletion;
            return KmsResponse.Write(w =>
            {
                w.WriteBoolean("KeyRotationEnabled", enabled);
                w.WriteString("KeyId", k.Arn);
                if (enabled)
                {
                    w.WriteNumber("RotationPeriodInDays", k.RotationPeriodDays);
                    if (k.NextRotationDate is { } next) w.Time("NextRotationDate", next);
                }
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
            if (k.OnDemandRotations >= OnDemandRotationLimit)
                throw new KmsException("LimitExceededException", $"{k.Arn} has reached the limit of {OnDemandRotationLimit} on-demand rotations.");
            k.OnDemandRotations++;
            k.Rotate(Now, "ON_DEMAND");   // the automatic schedule is unchanged
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
            if (!k.IsSymmetric) throw KmsException.Unsupported($"{k.Arn} origin or key spec does not support automatic key rotation.");
            // ALL_KEY_MATERIAL adds the first key material, which has no RotationDate nor RotationType
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
