using System.Xml.Linq;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The list views of audit rows and recovery requests show every property, and every text property through the
/// neutralising helper: a property added to the record without its line in the view would reach Format-List raw (or not
/// at all), so this fails until the view names it.</summary>
public class AuditDisplayViewTests
{
    [Theory]
    [InlineData("Audit.format.ps1xml", "AuditRecordList", typeof(AuditRecord))]
    [InlineData("Recovery.format.ps1xml", "RecoveryRequestList", typeof(RecoveryRequest))]
    public void The_list_view_names_every_property_and_neutralises_every_text(string file, string view, Type type)
    {
        var xml = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "BuzzKeyMgmt", "Formats", file));
        var list = xml.Descendants("View").Single(v => (string?)v.Element("Name") == view);
        Assert.Equal(type.FullName, (string?)list.Element("ViewSelectedBy")!.Element("TypeName"));
        var items = list.Descendants("ListItem").Select(i => new
        {
            Name = (string?)i.Element("Label") ?? (string)i.Element("PropertyName")!,
            Script = (string?)i.Element("ScriptBlock"),
        }).ToList();
        foreach (var property in type.GetProperties())
        {
            var item = items.SingleOrDefault(i => i.Name == property.Name);
            Assert.True(item is not null, $"{view} does not show {type.Name}.{property.Name}");
            if (property.PropertyType == typeof(string))
                Assert.Contains("[BuzzKeyMgmt.Display]::Text($_." + property.Name + ")", item!.Script ?? "");
        }
    }

    [Fact]
    public void The_default_table_view_of_audit_rows_shows_no_text_column_raw()
    {
        var xml = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "BuzzKeyMgmt", "Formats", "Audit.format.ps1xml"));
        var table = xml.Descendants("View").Single(v => (string?)v.Element("Name") == "AuditRecord");
        var raw = table.Descendants("TableColumnItem").Select(i => (string?)i.Element("PropertyName")).Where(p => p is not null).ToList();
        Assert.All(raw, p => Assert.NotEqual(typeof(string), typeof(AuditRecord).GetProperty(p!)!.PropertyType));
    }
}
