using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

/// <summary>A database whose sessions default to serializable transactions, as some operators set them.</summary>
public sealed class SerializableHost() : ProcessSchemaHost("eventcrm_serializable",
    ("ConnectionStrings:EventCrm", DataCommandLine.ConnectionString() + ";Options=-c default_transaction_isolation=serializable"));

public class when_the_server_isolates_transactions_more_strictly(SerializableHost serializable) : IClassFixture<SerializableHost>
{
    [Fact]
    public async Task a_writer_that_waited_for_a_customer_changed_meanwhile_still_appends()
    {
        var customer = Ids.Customer();
        await serializable.Host.PostTouchpoints(SignUp(customer, Jan1));

        Task post;
        await using (var other = await HeldStreamLock.Of(serializable.Schema, customer))
        {
            // Another writer's change to the stream row, committed while the post waits for its lock.
            await other.Execute($"update {serializable.Schema}.mt_streams set timestamp = timestamp where id = '{customer}'");
            post = serializable.Host.PostTouchpoints(Purchase(customer, Jan1.AddDays(1)));
            await other.UntilAnotherWaits();
        }
        await post;

        (await serializable.Store.EventCount(customer)).ShouldBe(2);
    }
}
