namespace EventCrm.Host.Infrastructure;

/// <summary>
/// One status an endpoint answers, as its documentation gives it (docs/api.md and the docs it
/// links), for the OpenAPI document (<see cref="ResponsesInOpenApi"/>). Put beside the endpoint's
/// route so that a reader sees what it answers where it is written. The answers every route
/// shares (400, 401, 403, 413, 414, 415, 429, 431, 503) are added by rule there; an endpoint lists one of them only to say
/// more about it (the touchpoints' 503 when too many wait, the import's larger 413).
/// A 4xx or 5xx is a problem document; a 2xx is JSON unless <see cref="MediaTypes"/> says otherwise,
/// of the type <see cref="Body"/> names when the endpoint returns an IResult (whose type the
/// document cannot see).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class AnswersAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;

    public string Description { get; } = description;

    /// <summary>The media types of a success's body; none for 204.</summary>
    public string[] MediaTypes { get; init; } = status == StatusCodes.Status204NoContent ? [] : ["application/json"];

    /// <summary>
    /// The type of a success's JSON body, as the endpoint passes it to Results.Ok, Created,
    /// Accepted or Json; its schema goes in the document's components. None for a typed return
    /// value (Wolverine already gives its schema), an anonymous type or a streamed body.
    /// </summary>
    public Type? Body { get; init; }

    /// <summary>Where the Location header of a 201 or 202 points, when it has one.</summary>
    public string? Location { get; init; }
}
