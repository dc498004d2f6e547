using EventCrm.Tests.Support;

namespace EventCrm.Tests.Retention;

/// <summary>The retention workflow values clients under the formula in force, which other scenarios switch in the shared schema.</summary>
public sealed class RetentionHost() : SchemaHost("eventcrm_retention")
{
    /// <summary>The desk's log: a second request to cancel leaves no event, only its line ("offer ... is open, no second one").</summary>
    public CapturedLogs Log { get; } = new();

    protected override CapturedLogs? Logs => Log;
}

// A Host empties its schema as it starts, under the running scenarios of any other class on that
// schema: each class that drives the retention workflow has a schema of its own.

/// <summary>For when_a_caller_uses_the_services_own_ids.</summary>
public sealed class ServiceIdsHost() : SchemaHost("eventcrm_retention_ids");

/// <summary>For when_a_crm_sends_the_answers_to_retention_offers_in_an_import.</summary>
public sealed class ImportedAnswersHost() : SchemaHost("eventcrm_retention_imports");
