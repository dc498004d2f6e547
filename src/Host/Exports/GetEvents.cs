using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Exports;

public static class GetEventsEndpoint
{
    /// <summary>
    /// Streams customer events in global order as NDJSON, or CSV when the caller prefers text/csv.
    /// from/to bound the recorded time; types is a comma list of event type names; customerId one stream.
    /// </summary>
    /// <param name="types">
    /// An array, so that the parameter may be repeated (<c>types=purchase&amp;types=refund</c>, as an OpenAPI
    /// client writes an array): each value may itself be a comma list. The other parameters take one value.
    /// </param>
    [WolverineGet("/api/events"), Authorize(Policy = Policies.Export), EmptyQueryValuesRefused]
    [Answers(200, "The events, streamed as NDJSON, or as CSV when the Accept header prefers text/csv.", MediaTypes = ["application/x-ndjson", "text/csv"])]
    [Answers(400, "A bad parameter (from, to, types, spreadsheetSafe without CSV); nothing was sent.")]
    [Answers(503, "The database is unavailable, or Export:MaxConcurrent exports are streaming on this node: ask again after Retry-After seconds.")]
    public static IResult Get(string? from, string? to, string[] types, string? customerId, bool? spreadsheetSafe, HttpRequest request, EventExport export)
    {
        var (filter, errors) = EventExportFilter.Parse(from, to, types.Length == 0 ? null : string.Join(',', types), customerId, export.Source.KnownTypes);
        var csv = ExportAccept.WantsCsv(request);
        if (spreadsheetSafe == true && !csv) errors["spreadsheetSafe"] = ["applies to CSV only (Accept: text/csv)"];
        if (errors.Count > 0) return Problems.Invalid($"{errors.Count} query parameter(s) are invalid.", errors);

        return new StreamedExport(export, filter, csv ? new CsvFormat(spreadsheetSafe == true) : new NdjsonFormat());
    }

    private sealed class StreamedExport(EventExport export, EventExportFilter filter, IEventExportFormat format) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            // Taken here, where the stream is written, so that it is held exactly as long as the export's connections.
            var slots = http.RequestServices.GetRequiredService<ExportSlots>();
            using var slot = slots.TryTake();
            if (slot is null)
            {
                await Busy(http.Response, slots.Max).ExecuteAsync(http);
                return;
            }
            http.Response.ContentType = format.ContentType;
            try
            {
                var deadline = EventExport.FlushDeadlineOf(http.RequestServices.GetRequiredService<IConfiguration>());
                await export.WriteAsync(filter, format, http.Response.BodyWriter, null, http.RequestAborted, deadline);
            }
            catch (ExportReaderStalledException e)
            {
                // Cut: the slot and the snapshot's transactions are given back as this returns.
                http.RequestServices.GetRequiredService<ILogger<EventExport>>().LogWarning("Export ended: {Reason}", e.Message);
                http.Abort();
            }
            catch (Exception e) when (http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                // The status line is gone: cut the connection so the client sees a broken transfer,
                // never a file that merely looks complete.
                http.RequestServices.GetRequiredService<ILogger<EventExport>>().LogError(e, "Export failed after it started streaming");
                http.Abort();
            }
        }

        private static IResult Busy(HttpResponse response, int streaming)
        {
            response.Headers.RetryAfter = ExportSlots.RetryAfterSeconds.ToString();
            return Results.Problem(
                $"{streaming} exports are streaming, the most this service runs at once ({ExportSlots.MaxConcurrentKey}): each holds a database " +
                $"connection while its client reads. Ask again in {ExportSlots.RetryAfterSeconds} seconds, or export with the export command.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service busy");
        }
    }
}
