using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EventCrm.Host.Access;

/// <summary>Authenticates the <c>X-Api-Key</c> header; answers 401 and 403 as RFC 7807 problems.</summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    /// <summary>
    /// The WWW-Authenticate of every 401 (RFC 9110 §15.5.2: a 401 must carry one): the scheme and the header
    /// the key goes in, so that a client (or a person reading the answer) learns how to authenticate.
    /// </summary>
    public const string Challenge = $"{SchemeName} header=\"{Header}\"";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
            return AuthenticateResult.NoResult();

        var check = await keys.CheckAsync(values.ToString().Trim(), ClientAddress.Of(Context.Connection.RemoteIpAddress), Context.RequestAborted);
        if (check.RetryAfter is { } wait) return AuthenticateResult.Fail(new TooManyUnknownKeysException(wait));
        if (check.Caller is not { } caller) return AuthenticateResult.Fail("unknown or revoked API key");

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, caller.Id), new(ClaimTypes.Name, caller.Name) };
        claims.AddRange(caller.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if ((await HandleAuthenticateOnceSafeAsync()).Failure is TooManyUnknownKeysException refused)
        {
            await TooManyRequests.Answer(Context, refused.RetryAfter, "Too many unknown keys",
                $"This address sent more unknown or revoked API keys than {UnknownKeyLimit.PerMinuteKey} allows in a minute; " +
                "until its minute ends only keys the service holds are taken. Send a valid key, or wait Retry-After seconds.");
            return;
        }
        Response.Headers.WWWAuthenticate = Challenge;
        await Problem(StatusCodes.Status401Unauthorized, "Unauthorized",
            !string.IsNullOrWhiteSpace(Request.Headers[Header]) ? "The API key is unknown or revoked." : $"An API key is required in the {Header} header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "Forbidden", "This API key's roles do not allow this request.");

    /// <summary>Written like every other problem of the API (Problems): the RFC 9110 type of the status, and the traceId.</summary>
    private Task Problem(int status, string title, string detail) =>
        Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(Context);
}

/// <summary>An address past its <see cref="UnknownKeyLimit"/>: answered 429 where a key is needed.</summary>
public sealed class TooManyUnknownKeysException(TimeSpan retryAfter) : Exception("too many unknown API keys from this address")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
