using System.Reflection;
using EventCrm.Host.Replays;
using EventCrm.Host.Retention;
using Internal.Generated.WolverineHandlers;
using Shouldly;
using Wolverine.Attributes;
using Wolverine.Util;

namespace EventCrm.Tests.Operations;

/// <summary>
/// Wolverine keeps the service's messages in its inbox table under a name
/// (<c>wolverine_incoming_envelopes.message_type</c>) until they are handled: a retention offer's
/// expiry for as long as the offer lasts (7 days by default), a replay while it waits its turn. The
/// version deployed next must find a handler under the same name. By default that name is the
/// record's .NET full name, so renaming or moving the record would leave the stored expiries
/// unhandled and the offers open for ever; so each is pinned to the name already stored.
/// </summary>
public class when_messages_wait_in_the_database_across_an_upgrade
{
    /// <summary>The names stored since each message was added. Never change one.</summary>
    private static readonly Dictionary<Type, string> StoredSince = new()
    {
        [typeof(AssessCancellation)] = "EventCrm.Host.Retention.AssessCancellation",
        [typeof(ExpireRetentionOffer)] = "EventCrm.Host.Retention.ExpireRetentionOffer",
        [typeof(RunReplay)] = "EventCrm.Host.Replays.RunReplay",
    };

    [Fact]
    public void every_message_the_service_handles_is_named_by_its_pinned_name_not_by_its_record()
    {
        var handled = new GeneratedHandlerRegistry().HandlerTypes()
            .SelectMany(handler => handler.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.Name is "Handle" or "HandleAsync" or "Consume" or "ConsumeAsync")
            .Select(method => method.GetParameters()[0].ParameterType)
            .ToHashSet();
        handled.OrderBy(t => t.Name).ShouldBe(StoredSince.Keys.OrderBy(t => t.Name), "a new message joins the list with its own [MessageIdentity]");

        foreach (var (message, name) in StoredSince)
        {
            message.GetCustomAttribute<MessageIdentityAttribute>().ShouldNotBeNull($"{message.Name} has no [MessageIdentity]").Alias.ShouldBe(name);
            message.ToMessageTypeName().ShouldBe(name, "the name Wolverine stores and looks up");
        }
    }
}
