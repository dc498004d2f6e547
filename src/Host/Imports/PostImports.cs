using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Wolverine.Http;

namespace EventCrm.Host.Imports;

public sealed record ImportLineView(int Line, string Reason);

/// <param name="Rejected">The rows skipped, at most the first 1,000 (<see cref="BadRows.MaxListed"/>).</param>
/// <param name="RejectedTotal">How many rows were skipped in all.</param>
public sealed record ImportAnswer(string ImportId, int Rows, int Imported, int Repeated, IReadOnlyList<ImportLineView> Rejected, int RejectedTotal);

public static class PostImportsEndpoint
{
    /// <summary>About 1.5 million rows; bigger histories go through the import command.</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    /// <summary>
    /// POST /api/imports with a CSV body (text/csv): the import command over HTTP. The body is
    /// spooled to a file with no name (the import reads it twice, <see cref="ImportSpool"/>), never held in memory.
    /// </summary>
    [WolverinePost("/api/imports"), Authorize(Policy = Policies.Import)]
    [Answers(201, "Rows were imported.", Body = typeof(ImportAnswer))]
    [Answers(200, "Nothing new was appended: every row was already there, or skipped as bad with skipInvalid, or the file has no rows (its header only).", Body = typeof(ImportAnswer))]
    [Answers(400, "A bad file or fields; errors keyed line N (file for an unreadable file); nothing appended.")]
    [Answers(409, "A row was refused during the append pass: the rows before it are appended; send the same file again to finish.")]
    [Answers(413, "The body is over 256 MB; nothing was read further.")]
    [Answers(415, "The body was not sent as text/csv, or was sent with a Content-Encoding other than identity (gzip): send it uncompressed; nothing was read.")]
    [Answers(422, "Rows refused by the store (unknown customer, conflict), without skipInvalid; errors keyed line N; nothing appended.")]
    [Answers(503, "The database is unavailable, or Import:MaxConcurrent imports are running: send the same file again after Retry-After seconds; nothing was read.")]
    public static async Task<IResult> Post(HttpRequest request, bool? skipInvalid, TouchpointImport import, ImportSlots slots,
        IConfiguration configuration, CancellationToken ct)
    {
        if (request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
            return Results.Problem("The body must be CSV, sent as Content-Type: text/csv (see docs/import.md).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        using var slot = slots.TryTake();
        if (slot is null) return Busy(request.HttpContext.Response, slots.Max);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;

        await using var spool = await ImportSpool.WriteAsync(request.Body, ImportSpoolFolder.Of(configuration), ct);
        return Answer(await import.RunAsync(spool.Source, skipInvalid ?? false, null, ct, ImportedBy.Caller(request, request.HttpContext.User)));
    }

    private static IResult Busy(HttpResponse response, int running)
    {
        response.Headers.RetryAfter = ImportSlots.RetryAfterSeconds.ToString();
        return Results.Problem(
            $"{running} imports are running, the most this service runs at once ({ImportSlots.MaxConcurrentKey}). Send the same file again " +
            $"in {ImportSlots.RetryAfterSeconds} seconds; nothing of it was read or imported.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service busy");
    }

    private static IResult Answer(ImportReport report)
    {
        var rejected = report.Rejected.Select(r => new ImportLineView(r.Line, r.Reason)).ToList();
        var errors = report.Rejected.GroupBy(r => $"line {r.Line}").ToDictionary(g => g.Key, g => g.Select(r => r.Reason).ToArray());
        return report.Outcome switch
        {
            ImportOutcome.Refused when report.FileError is { } fileError => Problems.Invalid($"The file is refused: {fileError}. Nothing was imported.",
                new Dictionary<string, string[]> { ["file"] = [$"{fileError}. Nothing was imported."] }),
            ImportOutcome.Refused when report.AnyInvalid =>
                Problems.Invalid($"{report.RejectedTotal} of {report.Rows} rows are bad{Listed(report)}; nothing was imported.", errors),
            ImportOutcome.Refused => Results.Problem(Problems.Naming($"{report.RejectedTotal} of {report.Rows} rows are refused by the store{Listed(report)}; nothing was imported.", errors),
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Rows refused",
                extensions: new Dictionary<string, object?> { ["errors"] = errors }),
            ImportOutcome.Stopped => Problems.Conflict(
                $"Stopped at line {report.StoppedAtLine} after {report.Imported} touchpoints (another writer changed the same customers); " +
                "the rows before it are imported. Send the same file again to finish.", errors),
            _ => Results.Json(new ImportAnswer(report.ImportId, report.Rows, report.Imported, report.Repeated, rejected, report.RejectedTotal),
                statusCode: report.Imported > 0 ? StatusCodes.Status201Created : StatusCodes.Status200OK),
        };
    }

    private static string Listed(ImportReport report) =>
        report.RejectedTotal > report.Rejected.Count ? $" (the first {report.Rejected.Count:N0} are listed)" : "";
}
