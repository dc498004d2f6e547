using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Relationship;
using EventCrm.Relationship.Privacy;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Privacy;

/// <summary>One event whose personal fields hold the text: where it is and which fields, never the values themselves.</summary>
/// <param name="Database">The database holding it (<c>default</c> with one; a tenant id of <c>Tenancy:Databases</c> with several).</param>
/// <param name="Sequence">The event's sequence number in its database (<c>sequence</c> of the export).</param>
public sealed record MentionView(string CustomerId, string Database, long Sequence, Guid EventId, long Version, string Type,
    [property: Words(typeof(PersonalFields))] IReadOnlyList<string> Fields);

/// <param name="Total">The events mentioning the text, over every database.</param>
/// <param name="Customers">The customers those events belong to, over every database.</param>
public sealed record MentionsAnswer(int Page, int PageSize, long Total, long Customers, IReadOnlyList<MentionView> Mentions);

/// <summary>
/// Where a person is named in the log (docs/privacy.md, "Answering a subject access request"): every event whose personal
/// fields (<see cref="PersonalData.FieldsByType"/>) hold a text, a former name or one written into another customer's
/// free text included, which the customer search cannot find. It reads the whole log of every database, so it is the
/// administrator's, as the erasure is.
/// </summary>
public static class GetMentionsEndpoint
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const int MaxTextLength = 200;

    [WolverineGet("/api/privacy/mentions"), Authorize(Policy = Policies.Erasure)]
    [Answers(200, "A page of the events whose personal fields hold text (case-insensitively), in database and sequence order: the customer, the event and the fields, not their values.", Body = typeof(MentionsAnswer))]
    [Answers(400, "No text, a text over 200 characters or holding NUL, or a page or pageSize out of range.")]
    [Pages(DefaultPageSize, MaxPageSize)]
    public static async Task<IResult> Get(string? text, int? page, int? pageSize, CustomerDatabases databases, IDocumentStore store, CancellationToken ct)
    {
        var (pageNumber, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        if (pageNumber is < 1 or > SearchCustomersEndpoint.MaxPage) return Problems.Invalid("page", $"must be between 1 and {SearchCustomersEndpoint.MaxPage:#,0}");
        if (size is < 1 or > MaxPageSize) return Problems.Invalid("pageSize", $"must be between 1 and {MaxPageSize}");
        var wanted = text?.Trim() ?? "";
        if (wanted.Length == 0) return Problems.Invalid("text", "is required: a name, an email or any part of one, as the person gave it");
        if (TextLength.IsOver(wanted, MaxTextLength)) return Problems.Invalid("text", $"must be at most {MaxTextLength} characters");
        if (QueryText.HoldsNul(wanted)) return Problems.Invalid("text", QueryText.NulRule);

        var schema = store.Options.Events.DatabaseSchemaName;
        var (skip, take) = ((long)(pageNumber - 1) * size, size);
        var (total, customers, mentions) = (0L, 0L, new List<MentionView>());
        // Database by database, in the order of Tenancy:Databases: each is read once for its count and, where the page
        // reaches into it, its part of the page.
        foreach (var (tenant, name) in databases.TenantIds.Zip(databases.Names))
        {
            var found = await MentionScan.ReadAsync(await databases.DatabaseIn(tenant), schema, wanted, Math.Max(0, skip - total), take - mentions.Count, ct);
            mentions.AddRange(found.Page.Select(m => m with { Database = name }));
            (total, customers) = (total + found.Total, customers + found.Customers);
        }
        return Results.Ok(new MentionsAnswer(pageNumber, size, total, customers, mentions));
    }
}
