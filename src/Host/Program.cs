using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Infrastructure.Leadership;
using EventCrm.Host.Reliability;
using EventCrm.Host.Replays;
using EventCrm.Host.Retention;
using EventCrm.Host.Schema;
using EventCrm.Host.Sharding;
using EventCrm.Host.Telemetry;
using EventCrm.Host.Touchpoints;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Events.Daemon;
using Marten;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

StartRefusals.ReportInOneLine();
VerbConsole.Prepare(args);
// Help reads the verbs, not the settings: it answers on a machine with nothing configured.
if (CommandLineHelp.Asked(args)) return await CommandLineHelp.Answer(args);
// A verb's flag that does not read is refused in one line naming it, before anything starts.
if (VerbArguments.Refusal(args) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 1;
}
var builder = WebApplication.CreateBuilder(HostFolder.Options(args));
// Settings read only now and then (an erasure, a rebuild, an import), and the connection strings:
// a value that cannot be read stops the start here, naming its key.
Settings.CheckAtStart(builder.Configuration);
// So that a refusal to start, or a verb's, names the database it could not reach (its id in Tenancy:Databases).
DatabaseNames.Remember(builder.Configuration);
// The service's bound policies too, whether started with no verb or through `run` (where JasperFx would report their refusal its own way).
if (!DataVerbs.RunsAVerb(args)) Settings.CheckPolicies(builder.Configuration);

var tenancy = TenancySettings.From(builder.Configuration);
// Before Marten applies the schema: the indexes a version adds to existing tables (a million profiles)
// are built concurrently, so the appends of the nodes still running go on meanwhile (docs/scaling.md).
builder.Services.AddHostedService<ConcurrentIndexBuildsAtStart>();
builder.Services.AddMarten(services => new StoreOptions().ConfigureEventCrmStore(services.GetRequiredService<IConfiguration>()))
    .UseLightweightSessions()
    // Tables beside Marten's own (the audit seals) are only created by a schema migration.
    .ApplyAllDatabaseChangesOnStartup()
    .AddLeaderElectedDaemon()
    // Sharded: Wolverine keeps its node and envelope tables in the home database (and the
    // envelopes of a customer's messages beside that customer's events).
    .IntegrateWithWolverine(wolverine => wolverine.MainDatabaseConnectionString = tenancy.Sharded ? tenancy.Databases[0] : null)
    .AssessCancellations();

builder.Host.UseWolverine(opts =>
{
    opts.ApplicationAssembly = typeof(Program).Assembly;
    // The handlers' and endpoints' adapters are compiled with the Host (src/Host/Internal/Generated,
    // written by ./eventcrm codegen) instead of by Roslyn at start and on first use (docs/design.md).
    opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
    opts.Policies.AutoApplyTransactions();
    opts.RetryOnFreshConnectionsWhenOutOfStep();
    opts.ConfigureRetention(builder.Configuration);
    opts.ConfigureReplays(builder.Configuration);
    // After the policies of named exceptions (a busy customer, a lost race): a database out of reach
    // makes any handler run again later, for over half an hour, not go to the dead letters at once.
    opts.RetryWhileADatabaseIsOut();
});

builder.Services.AddWolverineHttp();
builder.Services.AddApiKeyAccess();
builder.Services.AddKeyRates(builder.Configuration);
// Numbers as numbers, in the bodies the serializer reads and so in the OpenAPI document (NumbersInOpenApi).
builder.Services.ReadNumbersStrictly();
builder.Services.AddOpenApi(options =>
{
    NumbersInOpenApi.Describe(options);
    FieldsLeftOutInOpenApi.Describe(options);
    WordsInOpenApi.Describe(options);
    PagesInOpenApi.Describe(options);
    TimelineEntriesInOpenApi.Describe(options);
    RequestBodiesInOpenApi.Describe(options);
    ResponsesInOpenApi.Describe(options);
    ApiKeyInOpenApi.Describe(options);
    ServersInOpenApi.Describe(options);
});
// Every error a problem document, whatever the client's Accept header (docs/api.md).
builder.Services.AddProblemDocuments();
builder.Services.AddExceptionHandler<FaultProblems>();
// While the database is out of reach, one warning, a reminder every 30 s and one line when it is back,
// instead of every component's stack traces many times a second (docs/reliability.md). A verb says it itself.
if (!DataVerbs.Starts(args)) builder.Logging.HoldBackDatabaseOutages(builder.Configuration);
builder.Services.AddEventCrmFeatures();
// Metrics and traces go out over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT names a collector (docs/operations.md).
builder.Services.AddEventCrmTelemetryExport(builder.Configuration);
// Read once here so that a bad value stops the start rather than the first post.
TouchpointAppender.MaxWaitingOf(builder.Configuration);
// The verbs take no API key: a short one in their environment is the service's business, not theirs.
if (!DataVerbs.Starts(args)) ApiKeyStore.CheckBootstrapKey(builder.Configuration);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes;
    // No "Server: Kestrel" on the answers: what serves them is nobody's business but ours (docs/api.md, "Headers").
    kestrel.AddServerHeader = false;
    RequestLineAndHeaderLimits.Raise(kestrel.Limits);
});

// A verb's standard output carries only its results (README, "Command line"), ours and the libraries'
// alike: what is logged under it (the daemon pausing for a rebuild, say) goes to standard error.
// The service's log stays on standard output.
if (DataVerbs.RunsAVerb(args)) builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
var app = builder.Build();

app.UseSecurityHeaders();
app.UseRequestLineAndHeaderLimits();
app.UseExceptionHandler();
app.UseStatusCodePages();
// The web page (wwwroot) is public: it asks for an API key and sends it with every API call.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
// Before authorization: a key over its rate is refused before anything else is asked of the request.
app.UseKeyRates();
app.UseAuthorization();
app.UseSlashesInRouteIds();
// After the key is checked, as every refusal of what a request holds: 401 and 403 come first.
app.UseStrictQueryStrings();
// Then an empty value is read as none, the same way on every route (docs/api.md).
app.UseEmptyQueryValuesAsAbsent();
// And a body: no content coding but identity, and none at all on a route that takes none (docs/api.md).
app.UseRequestBodyRules();
app.MapOpenApi().AnswerHeadAsGet();
if (!DataVerbs.Starts(args))
    app.MapWolverineEndpoints(opts =>
    {
        opts.RejectUnparseableQueryValues = true;
        opts.RequireAuthorizeOnAll();
        opts.AnswerHeadAsGet();
        // Sharded or not, so that the generated endpoints are the same code in both.
        opts.TenantId.DetectWith(new CustomerTenantDetection(app.Services.GetRequiredService<CustomerDatabases>()));
    });

if (DataVerbs.Serves(args) || DataVerbs.RunsWithAnAddress(args))
{
    StartRefusals.Watch(app.Lifetime);
    // ./eventcrm run's lines for the operator, once the service listens: never before a failed start.
    RunBanner.PrintOnceListening(app.Lifetime);
    await app.RunAsync();
    return 0;
}
DataVerbs.QuietenCommandDiscovery();
return VerbExitCode.Of(await app.RunJasperFxCommands(args));

public partial class Program;
