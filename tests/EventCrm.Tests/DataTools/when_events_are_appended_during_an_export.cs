using System.IO.Pipelines;
using EventCrm.Host.Exports;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The `export` command announces how many events it exports, then says how many it wrote. It counted
/// in a statement of its own before the read: appends in between made it announce 79,581 events and
/// write 79,582. Both numbers now come from one snapshot, and what is appended meanwhile waits for the next export.
/// </summary>
public class when_events_are_appended_during_an_export(AppFixture app)
{
    private EventExport Export => app.Host.Services.GetRequiredService<EventExport>();

    [Fact]
    public async Task the_announced_count_is_the_number_written_and_the_appends_go_to_the_next_export()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(2)), SupportCall(customer, Jan1.AddDays(3)) });
        var filter = new EventExportFilter(null, null, [], customer);

        long announced, written;
        await using (var snapshot = await Export.Source.SnapshotAsync(filter, CancellationToken.None))
        {
            // As the command does: announce first...
            announced = await snapshot.CountAsync(CancellationToken.None);
            // ...two purchases of the customer are recorded meanwhile...
            await app.Host.PostTouchpoints(new[] { Purchase(customer, Jan1.AddDays(4)), Purchase(customer, Jan1.AddDays(5)) });
            // ...then write.
            (written, var lines) = await WrittenFrom(snapshot);
            lines.ShouldBe(3);
        }

        // Signed up, a purchase, a support call: 3 announced and 3 written.
        announced.ShouldBe(3);
        written.ShouldBe(3);
        // The two purchases recorded during it are in the next export: 3 + 2.
        await using var next = await Export.Source.SnapshotAsync(filter, CancellationToken.None);
        (await next.CountAsync(CancellationToken.None)).ShouldBe(5);
        (await WrittenFrom(next)).Lines.ShouldBe(5);
    }

    private async Task<(long Written, int Lines)> WrittenFrom(EventExportSnapshot snapshot)
    {
        using var file = new MemoryStream();
        var output = PipeWriter.Create(file, new StreamPipeWriterOptions(leaveOpen: true));
        var written = await Export.WriteAsync(snapshot, new NdjsonFormat(), output, null, CancellationToken.None);
        await output.CompleteAsync();
        var text = System.Text.Encoding.UTF8.GetString(file.ToArray());
        return (written, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
