using System.IO.Pipelines;
using EventCrm.Host.Exports;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>A schema of its own: the transactions left open on its events table are counted.</summary>
public sealed class ExportStallHost() : SchemaHost("eventcrm_export_stall");

/// <summary>
/// An export client over HTTP that stopped reading (raw sockets, a 4 KB receive buffer never read) held its
/// export slot and the snapshot's repeatable-read transaction, pinning vacuum's horizon, for 400 s and more,
/// until it disconnected, and every other export was refused meanwhile. Kestrel's MinResponseDataRate did
/// not end it: it allows each flush its bytes / 240 s, added up. Each flush of an export over HTTP now has a
/// deadline (<see cref="EventExport.FlushDeadlineKey"/>, 60 s by default); past it the export ends, its transactions are
/// rolled back and (over HTTP) its connection is cut and its slot given back. The client is stood in for by a
/// pipe that nobody reads and that takes one byte before its writer must wait: no flush can complete.
/// </summary>
public class when_an_export_client_stops_reading(ExportStallHost app) : IClassFixture<ExportStallHost>
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task the_export_ends_at_the_flush_deadline_and_leaves_no_transaction_open()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var export = app.Host.Services.GetRequiredService<EventExport>();
        var (filter, errors) = EventExportFilter.Parse(null, null, null, customer, export.Source.KnownTypes);
        errors.ShouldBeEmpty();
        var neverRead = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1));

        var stalled = await Should.ThrowAsync<ExportReaderStalledException>(
            export.WriteAsync(filter, new NdjsonFormat(), neverRead.Writer, null, CancellationToken.None, TimeSpan.FromMilliseconds(200)).WaitAsync(Guard));

        stalled.Message.ShouldContain("within 0.2 s");
        (await OpenTransactionsOnTheEvents()).ShouldBe(0);
    }

    [Fact]
    public async Task a_client_that_reads_gets_the_whole_export_within_the_deadline()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var export = app.Host.Services.GetRequiredService<EventExport>();
        var (filter, _) = EventExportFilter.Parse(null, null, null, customer, export.Source.KnownTypes);
        var read = new Pipe();

        var written = await export.WriteAsync(filter, new NdjsonFormat(), read.Writer, null, CancellationToken.None, EventExport.DefaultFlushDeadline);
        await read.Writer.CompleteAsync();

        written.ShouldBe(1); // the signup
        var body = await new StreamReader(read.Reader.AsStream()).ReadToEndAsync();
        body.ShouldContain(customer);
    }

    /// <summary>Sessions of the database holding a transaction open over this schema's events: the export's snapshot, while it lives.</summary>
    private async Task<long> OpenTransactionsOnTheEvents()
    {
        await using var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where state like 'idle in transaction%' and query like @events", connection);
        command.Parameters.AddWithValue("events", $"%{app.Schema}.mt_events%");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
