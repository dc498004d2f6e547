namespace EventCrm.Host.Infrastructure;

/// <summary>
/// One status an endpoint answers, as its documentation gives it (docs/api.md and the docs it
/// links), for the OpenAPI document (<see cref="ResponsesInOpenApi"/>). Put beside the endpoint's
/// route so that a reader sees what it answers where it is written. The answers every route
/// shares (401, 403, 413, 503) are added by rule there; an endpoint lists one of them only to say
/// more about it (the touchpoints' 503 when too many wait, the import's larger 413).
/// A 4xx or 5xx is a problem document; a 2xx is JSON unless <see cref="MediaTypes"/> says otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class AnswersAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;

    public string Description { get; } = description;

    /// <summary>The media types of a success's body; none for 204.</summary>
    public string[] MediaTypes { get; init; } = status == StatusCodes.Status204NoContent ? [] : ["application/json"];

    /// <summary>Where the Location header of a 201 or 202 points, when it has one.</summary>
    public string? Location { get; init; }
}
