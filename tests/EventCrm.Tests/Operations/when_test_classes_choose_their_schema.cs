using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A <see cref="SchemaHost"/> empties its schema as it starts, and classes run in parallel: two
/// classes with the same host type (so the same schema) emptied it under each other's scenarios,
/// which then failed now and then (404 for a customer just posted, a daemon never caught up).
/// </summary>
public class when_test_classes_choose_their_schema
{
    [Fact]
    public void no_two_classes_share_a_schema()
    {
        var shared = typeof(when_test_classes_choose_their_schema).Assembly.GetTypes()
            .SelectMany(test => test.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
                .Select(i => (Host: i.GetGenericArguments()[0], Test: test.Name)))
            .Where(use => typeof(SchemaHost).IsAssignableFrom(use.Host))
            // Made, not started: the schema is known before anything runs.
            .GroupBy(use => ((SchemaHost)Activator.CreateInstance(use.Host)!).Schema)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(use => $"{use.Test} ({use.Host.Name})"))}");

        shared.ShouldBeEmpty("give each class a host (and a schema) of its own");
    }
}
