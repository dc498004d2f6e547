using EventCrm.Tests.Support;

namespace EventCrm.Tests.Retention;

/// <summary>The retention workflow values clients under the formula in force, which other scenarios switch in the shared schema.</summary>
public sealed class RetentionHost() : SchemaHost("eventcrm_retention");
