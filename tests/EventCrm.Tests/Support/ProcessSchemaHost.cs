using EventCrm.Tests.DataTools;

namespace EventCrm.Tests.Support;

/// <summary>A Host over a schema of this test process alone (developers share one database), dropped once the Host stops.</summary>
public abstract class ProcessSchemaHost(string prefix, params (string Key, string Value)[] settings)
    : SchemaHost($"{prefix}_{Environment.ProcessId}", settings)
{
    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(Schema);
}
