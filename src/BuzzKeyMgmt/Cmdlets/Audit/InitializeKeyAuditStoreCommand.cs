using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Creates or migrates the audit store and reports the schema versions it applied.</summary>
[Cmdlet(VerbsData.Initialize, "KeyAuditStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AuditStoreInitialization))]
public sealed class InitializeKeyAuditStoreCommand : AuditCmdlet
{
    protected override void EndProcessing()
    {
        var located = LocateStore();
        if (!ShouldProcess(located.Display, "Create or migrate the audit store")) return;
        var result = WithStore(located, () =>
        {
            var store = Context.Audit.Open(located, migrateDefault: false);
            var applied = store.Migrate();
            var description = store.Describe();
            return new AuditStoreInitialization(description.Provider, description.Target, applied, description.SchemaVersion);
        });
        WriteObject(result);
    }
}
