using Alba;
using EventCrm.Tests.Support;
using Marten;

namespace EventCrm.Tests.Retention;

/// <summary>
/// A host over a schema of its own: the retention workflow values clients under the formula in
/// force, which other scenarios switch in the shared schema.
/// </summary>
public sealed class RetentionHost : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await AppFixture.StartHost("eventcrm_retention");
        await Host.ResetAllData();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
