using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// The README sends a client to docs/api.md for every HTTP route. api.md describes the touchpoints, customers,
/// erasure, keys, export, import and projections itself, and sends the reader on for the rest: the value, formula,
/// model and portfolio routes to value.md, retention to retention.md, audit and replays to audit-and-replays.md.
/// A route the service serves (its OpenAPI document) that none of them names, as `METHOD /path`, is one a client
/// can find only by reading the code.
/// </summary>
public partial class when_a_reader_looks_a_route_up_in_the_docs(AppFixture app)
{
    /// <summary>The documents api.md specifies routes in, besides itself (its paragraph "The value, formula, model and portfolio routes...").</summary>
    private static readonly string[] SpecifiedIn = ["value.md", "retention.md", "audit-and-replays.md"];

    [Fact]
    public void api_md_sends_its_reader_to_each_document_that_specifies_routes()
    {
        var api = File.ReadAllText(Path.Combine(Docs(), "api.md"));
        SpecifiedIn.Where(document => !api.Contains($"]({document})", StringComparison.Ordinal))
            .ShouldBeEmpty("documents this test reads routes from, which api.md does not link");
    }

    [Fact]
    public async Task every_route_of_the_openapi_document_is_described_in_api_md_or_a_document_it_sends_the_reader_to()
    {
        var document = await app.Host.GetJson("/openapi/v1.json");
        var routes = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .ToList();
        var docs = new[] { "api.md" }.Concat(SpecifiedIn).Select(name => File.ReadAllText(Path.Combine(Docs(), name))).ToList();

        // Named as `GET /api/customers/{id}` (a query string or words may follow within the backticks); /api/customers/{id}/value is another route.
        var undescribed = routes.Where(route => !docs.Any(text => Regex.IsMatch(text, "`" + Regex.Escape(route) + @"[`?\s]"))).Order(StringComparer.Ordinal).ToList();

        routes.Count.ShouldBeGreaterThan(40);
        if (undescribed.Count > 0)
            Assert.Fail($"routes no document describes: {string.Join(", ", undescribed)}. Describe each in docs/api.md " +
                        $"(or in {string.Join(", ", SpecifiedIn.Select(d => "docs/" + d))}, which api.md sends its reader to)");
    }

    private static string Docs()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "EventCrm.sln"))) return Path.Combine(folder.FullName, "docs");
        throw new InvalidOperationException($"No EventCrm.sln above {AppContext.BaseDirectory}");
    }
}
