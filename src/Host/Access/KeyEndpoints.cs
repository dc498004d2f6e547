using EventCrm.Host.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Access;

public sealed record CreateKey(string? Name, string[]? Roles)
{
    /// <summary>The body read field by field (<see cref="JsonRequestBody"/>): a misspelt field or a value of the wrong kind is a 400 naming it.</summary>
    public static async Task<(CreateKey? Command, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, "{name, roles}", ["name", "roles"], ct);
        if (body is null) return (null, problem);
        var command = new CreateKey(body.Text("name"), body.Texts("roles"));
        return body.Problem() is { } refused ? (null, refused) : (command, null);
    }
}

public sealed record CreatedKey(string Id, string Key, string Name, [property: Words(typeof(Roles))] IReadOnlyList<string> Roles);

public sealed record KeyView(string Id, string Name, [property: Words(typeof(Roles))] IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static KeyView Of(ApiKey k) => new(k.Id, k.Name, k.Roles, k.CreatedAt, k.RevokedAt);
}

public static class CreateKeyEndpoint
{
    /// <summary>Creates an API key: the secret is in this answer only; the store keeps its hash.</summary>
    [WolverinePost("/api/keys"), Authorize(Policy = Policies.Keys)]
    [Answers(201, "The key was created; the secret key appears in this answer only.", Body = typeof(CreatedKey), Location = "the key: /api/keys/{id}")]
    [Answers(400, "A missing or too long name, no role or an unknown one, or another field; errors names it.")]
    public static async Task<IResult> Post(IDocumentSession session, TimeProvider clock, HttpRequest request, CancellationToken ct)
    {
        var (command, refused) = await CreateKey.ReadAsync(request, ct);
        if (command is null) return refused!;
        if (string.IsNullOrWhiteSpace(command.Name) || TextLength.IsOver(command.Name, 200) || command.Name.Any(char.IsControl))
            return Problems.Invalid("name", "is required, at most 200 characters, without control characters");
        var roles = command.Roles ?? [];
        if (roles.Length == 0 || roles.Any(r => !Roles.All.Contains(r)))
            return Problems.Invalid("roles", $"must be one or more of {string.Join(", ", Roles.All)}");

        var (key, secret) = ApiKey.Create(command.Name.Trim(), roles.Distinct().ToArray(), clock.GetUtcNow());
        session.Store(key);
        await session.SaveChangesAsync(ct);
        return Results.Created($"/api/keys/{key.Id}", new CreatedKey(key.Id, secret, key.Name, key.Roles));
    }
}

public static class ListKeysEndpoint
{
    [WolverineGet("/api/keys"), Authorize(Policy = Policies.Keys)]
    [Answers(200, "Every key, without its secret.")]
    public static async Task<IReadOnlyList<KeyView>> Get(IQuerySession session, CancellationToken ct) =>
        (await session.Query<ApiKey>().OrderBy(k => k.CreatedAt).ToListAsync(ct)).Select(KeyView.Of).ToList();
}

public static class GetKeyEndpoint
{
    /// <summary>One key, as listed (never its secret): where a created key's Location points.</summary>
    [WolverineGet("/api/keys/{id}"), Authorize(Policy = Policies.Keys)]
    [Answers(200, "The key, without its secret.", Body = typeof(KeyView))]
    [Answers(404, "An unknown key.")]
    public static async Task<IResult> Get(string id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<ApiKey>(id, ct) is { } key ? Results.Ok(KeyView.Of(key)) : Problems.NotFound($"No API key '{id}'.");
}

public static class RevokeKeyEndpoint
{
    /// <summary>Revokes a key for good: it is kept, marked revoked, so audits still name who appended what.</summary>
    [WolverineDelete("/api/keys/{id}"), Authorize(Policy = Policies.Keys), TakesNoBody]
    [Answers(200, "The key, marked revoked.", Body = typeof(KeyView))]
    [Answers(404, "An unknown key.")]
    public static async Task<IResult> Delete(string id, IDocumentSession session, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var key = await session.LoadAsync<ApiKey>(id, ct);
        if (key is null) return Problems.NotFound($"No API key '{id}'.");
        if (!key.IsRevoked)
        {
            key = key with { RevokedAt = clock.GetUtcNow() };
            session.Store(key);
            await session.SaveChangesAsync(ct);
        }
        keys.Forget(key.Hash);
        return Results.Ok(KeyView.Of(key));
    }
}
