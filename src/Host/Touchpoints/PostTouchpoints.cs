using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;
using System.Text.Json;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Telemetry;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Touchpoints;

public sealed record TouchpointsAccepted(int Appended, int Repeated, IReadOnlyList<TouchpointReceiptView> Touchpoints);

public sealed record TouchpointReceiptView(int Index, string TouchpointId, string CustomerId, [property: Words(typeof(TouchpointResults))] string Result);

/// <summary>What became of each touchpoint of a post: its receipt's <c>result</c>.</summary>
public static class TouchpointResults
{
    public const string Appended = "appended";
    public const string Repeated = "repeated";
}

/// <summary>
/// POST /api/touchpoints: one touchpoint object, or an array of up to 1,000 appended all-or-nothing.
/// </summary>
public static class PostTouchpointsEndpoint
{
    public const int MaxBatchSize = 1000;
    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 16 };

    [WolverinePost("/api/touchpoints"), Authorize(Policy = Policies.Append)]
    [Answers(201, "At least one touchpoint was appended.", Body = typeof(TouchpointsAccepted))]
    [Answers(200, "Every touchpoint was a repeat (same touchpointId, same content): nothing new was appended.", Body = typeof(TouchpointsAccepted))]
    [Answers(400, "Malformed JSON, a wrong or missing field, an unknown type, a rule broken (amounts, margins, times), an empty array or one over 1,000 items; errors names every field at fault.")]
    [Answers(404, "A touchpoint other than lead-captured or signed-up for a customer that has no stream, an answer to an offer that is not open, or a request to cancel named that the customer never made.")]
    [Answers(409, "A second signed-up, a request to cancel or its withdrawal refused by the customer's state, a churned naming a request to cancel no longer pending, a touchpointId already recorded with other content, or too many concurrent writers on the same customers (retry).")]
    [Answers(413, "The body is over 4 MB; nothing was read further.")]
    [Answers(503, "The database is unavailable, more touchpoints wait to be written than Touchpoints:MaxWaiting, or a customer of the request is busy (its stream locked by another transaction for over 2 s; errors.customerId names it; nothing was appended): send the same request again after Retry-After seconds.")]
    public static async Task<IResult> Post(HttpRequest request, ClaimsPrincipal caller, TouchpointAppender appender, TimeProvider clock,
        EventCrmMetrics metrics, CancellationToken ct)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(request.Body, Parsing, ct);
        }
        catch (JsonException e)
        {
            // How many touchpoints it held cannot be told: it counts as one.
            metrics.Refused(1, RefusalClasses.Invalid);
            return Problems.Invalid("body", $"The body is not valid JSON: {e.Message}");
        }

        using (body)
        {
            var sent = SizeOf(body.RootElement);
            metrics.BatchSize(sent);
            var (batch, errors) = Read(body.RootElement, clock.GetUtcNow());
            if (errors.Count > 0)
            {
                metrics.Refused(sent, RefusalClasses.Invalid);
                return Problems.Invalid($"{errors.Count} field(s) are invalid; nothing was appended.", errors);
            }

            if (!MayAppend(caller, batch))
            {
                metrics.Refused(sent, RefusalClasses.Forbidden);
                return Problems.Forbidden("A desk key may only record retention outcomes; other touchpoints need the ingest role.");
            }

            AppendOutcome outcome;
            try
            {
                outcome = await appender.AppendAsync(batch, ContextOf(request, caller), ct);
            }
            catch (Exception e) when (metrics.CountedFailure(e, sent))
            {
                throw; // never reached: the filter only counts
            }
            metrics.Count(outcome, batch);
            return Answer(outcome, isArray: body.RootElement.ValueKind == JsonValueKind.Array, request.HttpContext.Response);
        }
    }

    /// <summary>Touchpoints a body holds: an array's items, else one (an empty array: none).</summary>
    private static int SizeOf(JsonElement root) => root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : 1;

    private static bool MayAppend(ClaimsPrincipal caller, IEnumerable<IncomingTouchpoint> batch) =>
        caller.IsInRole(Roles.Ingest) || caller.IsInRole(Roles.Admin)
        || batch.All(t => TouchpointTypes.RecordedByTheDesk.Contains(TouchpointTypes.NameOf(t.Touchpoint)));

    /// <summary>
    /// The caller's correlation id when it sends one (X-Correlation-Id), so its own logs and our
    /// events line up; the request itself is the cause of what it appends.
    /// </summary>
    public static AppendContext ContextOf(HttpRequest request, ClaimsPrincipal caller) => new(
        KeyOf(caller), CorrelationIdSent(request) ?? request.HttpContext.TraceIdentifier, request.HttpContext.TraceIdentifier);

    /// <summary>The id of the caller's API key, as recorded in the events' <c>appended-by</c>.</summary>
    public static string KeyOf(ClaimsPrincipal caller) => caller.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";

    /// <summary>
    /// The caller's X-Correlation-Id, when it sends a usable one: 1 to 200 characters, none of them a control character,
    /// which every exported or logged line would carry raw (a touchpoint's text fields refuse them too).
    /// </summary>
    public static string? CorrelationIdSent(HttpRequest request) =>
        request.Headers.TryGetValue("X-Correlation-Id", out var correlation) && correlation.ToString() is { Length: > 0 } id
        && !TextLength.IsOver(id, 200) && !id.Any(char.IsControl) ? id : null;

    private static (List<IncomingTouchpoint> Batch, Dictionary<string, string[]> Errors) Read(JsonElement root, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var batch = new List<IncomingTouchpoint>();
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                ReadItem(root, 0, "", batch, errors, now);
                break;
            case JsonValueKind.Array when root.GetArrayLength() == 0:
                errors["body"] = ["must contain at least one touchpoint"];
                break;
            case JsonValueKind.Array when root.GetArrayLength() > MaxBatchSize:
                errors["body"] = [$"must contain at most {MaxBatchSize} touchpoints, got {root.GetArrayLength()}"];
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in root.EnumerateArray()) ReadItem(item, index, $"[{index++}]", batch, errors, now);
                break;
            default:
                errors["body"] = ["must be a touchpoint object or an array of touchpoints"];
                break;
        }
        return (batch, errors);
    }

    private static void ReadItem(JsonElement item, int index, string prefix, List<IncomingTouchpoint> batch,
        Dictionary<string, string[]> errors, DateTimeOffset now)
    {
        var (parsed, fieldErrors) = TouchpointReader.Read(item, now);
        if (parsed is not null) batch.Add(new IncomingTouchpoint(index, parsed.CustomerId, parsed.Touchpoint));
        foreach (var group in fieldErrors.GroupBy(e => KeyOf(prefix, e.Field)))
            errors[group.Key] = group.Select(e => e.Message).ToArray();
    }

    /// <summary>
    /// A refused request writes nothing, except when customers span databases and one database
    /// committed its part before another's write lost a race (docs/scaling.md): those are named.
    /// </summary>
    private static string WhatWasWritten(AppendOutcome outcome, bool isArray)
    {
        if (outcome.Appended == 0) return "Nothing was appended.";
        var written = outcome.Receipts.Where(r => r.Result == Touchpoints.TouchpointResult.Appended).Select(r => isArray ? $"[{r.Index}] {r.TouchpointId}" : r.TouchpointId);
        return $"Only these touchpoints were appended, committed in their customers' database before the refusal: {string.Join(", ", written)}. " +
               "Sending the request again repeats them.";
    }

    private static string KeyOf(string prefix, string field) =>
        field.Length == 0 ? (prefix.Length == 0 ? "body" : prefix) : prefix.Length == 0 ? field : $"{prefix}.{field}";

    /// <summary>The first reasons, each once: every item's own is in <c>errors</c>.</summary>
    private static string Summary(IReadOnlyList<string> reasons) =>
        string.Join("; ", reasons.Take(3)) + (reasons.Count > 3 ? $"; and {reasons.Count - 3} other reason(s)." : ".");

    private static IResult Answer(AppendOutcome outcome, bool isArray, HttpResponse response)
    {
        // Answered on its own: the requests that shared its transaction were decided again without it.
        if (outcome.Busy is { Count: > 0 } busy)
            return CustomerBusy.Answer(response, busy, WhatWasWritten(outcome, isArray), "touchpoints sent again with the same touchpointIds land once.");

        if (outcome.TooMuchContention)
            return Problems.Conflict($"Too many concurrent writes on the same customers. {WhatWasWritten(outcome, isArray)} Retry the request.");

        if (!outcome.Accepted)
        {
            var errors = outcome.Rejections.ToDictionary(r => isArray ? $"[{r.Index}]" : r.Field, r => new[] { r.Reason });
            var detail = $"{Summary(outcome.Rejections.Select(r => r.Reason).Distinct().ToList())} {WhatWasWritten(outcome, isArray)}";
            return outcome.Rejections.Any(r => r.Kind == RejectionKind.Conflict)
                ? Problems.Conflict(detail, errors)
                : Problems.NotFound(detail, errors);
        }

        var view = new TouchpointsAccepted(outcome.Appended, outcome.Repeated,
            outcome.Receipts.Select(r => new TouchpointReceiptView(r.Index, r.TouchpointId, r.CustomerId,
                r.Result == Touchpoints.TouchpointResult.Appended ? TouchpointResults.Appended : TouchpointResults.Repeated)).ToList());
        return outcome.Appended > 0 ? Results.Json(view, statusCode: StatusCodes.Status201Created) : Results.Ok(view);
    }
}
