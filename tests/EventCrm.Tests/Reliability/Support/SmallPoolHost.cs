using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>A schema of its own, a pool of 6 connections (which an out-of-step scenario takes whole), and the Host's log.</summary>
public abstract class SmallPoolHost(string schema)
    : SchemaHost(schema, ("ConnectionStrings:EventCrm", DataCommandLine.ConnectionString() + ";Maximum Pool Size=6"))
{
    public CapturedLogs Captured { get; } = new();
    protected override CapturedLogs? Logs => Captured;
}
