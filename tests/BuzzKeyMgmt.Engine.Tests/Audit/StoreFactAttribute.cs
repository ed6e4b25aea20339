using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// Marks a test class whose store needs an environment variable (e.g. a SQL Server connection string). Contract tests
/// declared with <see cref="StoreFactAttribute"/> in a shared base class are skipped, with a reason, in a subclass
/// carrying this attribute when the variable is empty.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentVariableAttribute(string name, string purpose) : Attribute
{
    public string Name { get; } = name;
    public string Purpose { get; } = purpose;
}

/// <summary>A [Fact] whose Skip is computed per concrete test class (see <see cref="RequiresEnvironmentVariableAttribute"/>).</summary>
[XunitTestCaseDiscoverer("BuzzKeyMgmt.Engine.Tests.Audit.StoreFactDiscoverer", "BuzzKeyMgmt.Engine.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        string? skip = null;
        var requirement = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentVariableAttribute)).FirstOrDefault();
        if (requirement is not null)
        {
            var name = requirement.GetNamedArgument<string>(nameof(RequiresEnvironmentVariableAttribute.Name))
                ?? (string)requirement.GetConstructorArguments().First();
            var purpose = (string)requirement.GetConstructorArguments().Skip(1).First();
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name)))
                skip = $"Environment variable {name} is not set: it must hold {purpose}.";
        }
        yield return new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skip);
    }
}

public sealed class StoreTestCase : XunitTestCase
{
    private string? _skip;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase() { }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string? skip)
        : base(sink, display, options, method)
    {
        _skip = skip;
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _skip ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        data.AddValue("StoreSkip", _skip);
        base.Serialize(data);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _skip = data.GetValue<string>("StoreSkip");
        base.Deserialize(data);
    }
}
