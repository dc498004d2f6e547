using System.Net;
using System.Text.Json;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>What a refusal must look like: a 4xx RFC 7807 problem document whose status matches the answer's.</summary>
public static class ProblemAnswers
{
    /// <summary>Null when the answer is a proper refusal, else what is wrong with it.</summary>
    public static string? NotAProperRefusal(HttpStatusCode status, string? mediaType, string body, bool keyIsRight = true)
    {
        var code = (int)status;
        if (code is < 400 or >= 500) return $"answered {code}, expected a 4xx";
        if (keyIsRight && code is 401 or 403) return $"answered {code} to the admin key";
        return NotAProblem(code, mediaType, body);
    }

    /// <summary>
    /// Null when the answer is a problem document of this status and <c>type</c> with a <c>detail</c>
    /// and a <c>traceId</c>, as docs/api.md gives every error; else what is wrong with it.
    /// </summary>
    public static string? NotTheProblem(int code, string type, string? mediaType, string body)
    {
        if (NotAProblem(code, mediaType, body) is { } why) return why;
        using var problem = JsonDocument.Parse(body);
        var root = problem.RootElement;
        if (!root.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String || t.GetString() != type)
            return $"answered {code} with type {(root.TryGetProperty("type", out var other) ? other.ToString() : "none")}, expected {type}";
        foreach (var field in new[] { "detail", "traceId" })
            if (!root.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
                return $"answered {code} with a problem without {field}";
        return null;
    }

    public static string? NotAProblem(int code, string? mediaType, string body)
    {
        if (mediaType != "application/problem+json") return $"answered {code} as '{mediaType ?? "no content type"}', expected application/problem+json";
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind != JsonValueKind.Object) return $"answered {code} with a problem that is no object";
            if (!problem.RootElement.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.Number || s.GetInt32() != code)
                return $"answered {code} with a problem whose status is not {code}";
            if (!problem.RootElement.TryGetProperty("title", out var t) || t.ValueKind != JsonValueKind.String)
                return $"answered {code} with a problem without title";
            return null;
        }
        catch (JsonException e)
        {
            return $"answered {code} with a body that is not JSON ({e.Message})";
        }
    }
}
