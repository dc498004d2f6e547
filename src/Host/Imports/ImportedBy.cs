using System.Security.Claims;
using EventCrm.Host.Touchpoints;

namespace EventCrm.Host.Imports;

/// <summary>
/// Who imports, recorded on every event the import appends (docs/audit-and-replays.md, "Who appended
/// what"): the API key that sent the file over HTTP, as for a post, or <c>import</c> for the command,
/// which takes no key. The import run is the cause of its events, and their conversation unless the
/// caller names its own (X-Correlation-Id).
/// </summary>
public sealed record ImportedBy(string AppendedBy, string? CorrelationId)
{
    public static readonly ImportedBy TheCommand = new("import", null);

    public static ImportedBy Caller(HttpRequest request, ClaimsPrincipal caller) =>
        new(PostTouchpointsEndpoint.KeyOf(caller), PostTouchpointsEndpoint.CorrelationIdSent(request));

    public AppendContext ContextOf(string importId) => new(AppendedBy, CorrelationId ?? importId, importId);
}
