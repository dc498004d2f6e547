using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure.Paging;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;
using EventCrm.Projections.Customers;
using EventCrm.Projections.Privacy;
using EventCrm.Projections.Retention;
using EventCrm.Projections.Spend;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Polly;
using Weasel.Core;

namespace EventCrm.Host.Infrastructure;

public static class StoreConfiguration
{
    public const string ConnectionStringName = "EventCrm";

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } connectionString
            ? connectionString
            : throw new SettingRefusedException(
                // A command (import, rebuild) reads no running service's settings: "start the service with
                // ./eventcrm run" sent an operator whose service was up round in a circle.
                $"No database configured: set ConnectionStrings__{ConnectionStringName}, for example " +
                "\"Host=127.0.0.1;Port=5433;Database=eventcrm;Username=postgres\", the demo cluster that ./eventcrm run starts and serves " +
                "(./eventcrm db status demo prints its connection string while it runs; ./eventcrm db start demo starts it).");

    public static int LockIdFor(string schema, int seed) =>
        seed + (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(schema))) % 1_000_000);

    public static StoreOptions ConfigureEventCrmStore(this StoreOptions opts, string connectionString, string schema)
    {
        opts.Connection(HostConnections.Prepare(connectionString));
        return opts.ConfigureEventCrmStore(schema);
    }

    /// <summary>The host's store: one database, or the databases of <c>Tenancy:Databases</c>.</summary>
    public static StoreOptions ConfigureEventCrmStore(this StoreOptions opts, IConfiguration configuration)
    {
        var schema = configuration["Marten:Schema"] ?? "eventcrm";
        var tenancy = TenancySettings.From(configuration);
        if (tenancy.Sharded)
        {
            tenancy.ApplyTo(opts);
            opts.ConfigureEventCrmStore(schema);
            // Created in every database (Marten's schema objects go to all); only the home database's is used.
            opts.Storage.ExtendedSchemaObjects.Add(TouchpointClaims.Table(schema));
        }
        else opts.ConfigureEventCrmStore(ConnectionString(configuration), schema);
        // The daemon starts with live pages; DaemonPagePacing lengthens them while it is far behind.
        return opts.WithDaemonPages(DaemonPages.From(configuration).Live);
    }

    /// <summary>
    /// Marten's own retries of a read (three, 50 ms apart and doubling, on any Npgsql or Marten command error), but
    /// for a database that said nothing (<see cref="Reliability.DatabaseFaults.IsSilent"/>): each attempt waited out the
    /// connect timeout (3 s) or a statement's timeout already, and a paused database made a read wait four times
    /// that before its 503 (docs/reliability.md, "One database of several out").
    /// </summary>
    private static void ReadRetries(Polly.ResiliencePipelineBuilder builder) => builder.AddRetry(new Polly.Retry.RetryStrategyOptions
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e
            && (e is Npgsql.NpgsqlException or Marten.Exceptions.MartenCommandException || e.GetType().Name == "EventLoaderException")
            && !Reliability.DatabaseFaults.IsSilent(e)),
        MaxRetryAttempts = 3,
        Delay = TimeSpan.FromMilliseconds(50),
        BackoffType = Polly.DelayBackoffType.Exponential,
    });

    /// <summary>Sets the page size of every async projection registered so far (DaemonPagePacing sets the subscriptions' on its first check).</summary>
    private static StoreOptions WithDaemonPages(this StoreOptions opts, int pageSize)
    {
        foreach (var projection in opts.Projections.All.Where(p => p.Lifecycle == ProjectionLifecycle.Async).OfType<ProjectionBase>())
            projection.Options.BatchSize = pageSize;
        return opts;
    }

    /// <summary>Everything but the connection: the same in every database.</summary>
    public static StoreOptions ConfigureEventCrmStore(this StoreOptions opts, string schema)
    {
        opts.ConfigureEventLog(schema, schema);
        opts.ConfigurePolly(ReadRetries);
        // Several EventCrm schemas may share one database (tests, tenants, benchmarks): each needs
        // its own daemon leadership and migration locks, or one would starve the others.
        opts.Projections.DaemonLockId = LockIdFor(schema, 4444);
        opts.Schema.For<ApiKey>().UniqueIndex(k => k.Hash);
        opts.Storage.ExtendedSchemaObjects.Add(Replays.ReplayStorage.Table(schema));
        // Created in every database like the others; only the home database's is used.
        opts.Storage.ExtendedSchemaObjects.Add(Portfolio.StoredValuationTable.Table(schema));
        return opts.ConfigureCustomers().ConfigureValues().ConfigureSpend().ConfigureRetentionCases().ConfigureAudit().ConfigurePrivacy();
    }

    /// <summary>
    /// What every store over one EventCrm event log shares: connection, serialization, event types
    /// and metadata. A blue/green rebuild's side store (Rebuilds/SideBuild.cs) reads the same log,
    /// so it uses this with the live event schema and a document schema of its own.
    /// </summary>
    public static StoreOptions ConfigureEventLog(this StoreOptions opts, string connectionString, string eventSchema, string documentSchema)
    {
        opts.Connection(HostConnections.Prepare(connectionString));
        return opts.ConfigureEventLog(eventSchema, documentSchema);
    }

    public static StoreOptions ConfigureEventLog(this StoreOptions opts, string eventSchema, string documentSchema)
    {
        opts.DatabaseSchemaName = documentSchema;
        opts.Events.DatabaseSchemaName = eventSchema;
        // Schema changes of the log are serialized by the log's schema, whichever store applies them.
        opts.ApplyChangesLockId = LockIdFor(eventSchema, 4004);
        var serializer = new BufferedRowSerializer { EnumStorage = EnumStorage.AsString, Casing = Casing.CamelCase };
        // Ledgers stored before their summary (every line) are read back as the folded ledgers they were.
        serializer.Configure(json => json.Converters.Add(new CustomerLedgerJson()));
        opts.Serializer(serializer);
        opts.RequireStoredFacts(serializer);

        opts.Events.StreamIdentity = StreamIdentity.AsString;
        // Touchpoint ids map to event ids: this index is what makes a touchpoint unique.
        opts.Events.EnableUniqueIndexOnEventId = true;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        foreach (var (name, type) in TouchpointTypes.ByName) opts.Events.MapEventType(type, name);
        opts.Events.MapEventType<FormulaVersionRegistered>("formula-version-registered");
        opts.Events.MapEventType<FormulaPutInForce>("formula-put-in-force");
        opts.Events.MapEventType<PortfolioModelFitted>("portfolio-model-fitted");
        opts.Events.MapEventType<Demo.DemoSeedingStarted>("demo-seeding-started");
        opts.Events.MapEventType<Demo.DemoSeedingFinished>("demo-seeding-finished");
        return opts;
    }
}
