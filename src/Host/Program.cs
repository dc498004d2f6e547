using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Reliability;
using EventCrm.Host.Retention;
using JasperFx;
using JasperFx.Events.Daemon;
using Marten;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMarten(services =>
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        return new StoreOptions().ConfigureEventCrmStore(
            StoreConfiguration.ConnectionString(configuration), configuration["Marten:Schema"] ?? "eventcrm");
    })
    .UseLightweightSessions()
    // Tables beside Marten's own (the audit seals) are only created by a schema migration.
    .ApplyAllDatabaseChangesOnStartup()
    .AddAsyncDaemon(DaemonMode.HotCold)
    .IntegrateWithWolverine()
    .AssessCancellations();

builder.Host.UseWolverine(opts =>
{
    opts.ApplicationAssembly = typeof(Program).Assembly;
    opts.Policies.AutoApplyTransactions();
    opts.ConfigureRetention(builder.Configuration);
});

builder.Services.AddWolverineHttp();
builder.Services.AddApiKeyAccess();
builder.Services.AddOpenApi();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<FaultProblems>();
builder.Services.AddEventCrmFeatures();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
// The web page (wwwroot) is public: it asks for an API key and sends it with every API call.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapWolverineEndpoints(opts =>
{
    opts.RejectUnparseableQueryValues = true;
    opts.RequireAuthorizeOnAll();
});

return await app.RunJasperFxCommands(args);

public partial class Program;
