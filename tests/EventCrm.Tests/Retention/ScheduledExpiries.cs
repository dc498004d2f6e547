using EventCrm.Tests.Support;
using Npgsql;

namespace EventCrm.Tests.Retention;

/// <summary>
/// An offer's end is a message Wolverine keeps in the schema's inbox (wolverine_incoming_envelopes),
/// scheduled at the offer's expiry and marked Handled once the desk has run it. An end that finds
/// nothing to record leaves no event: the envelope is the only sign that it ran.
/// </summary>
public static class ScheduledExpiries
{
    /// <summary>Until every end scheduled for the offer has been handled (at least one), within a minute.</summary>
    public static Task UntilHandled(string schema, string offerId) =>
        Waits.Until(async () => await Count(schema, offerId, handled: true) > 0 && await Count(schema, offerId, handled: false) == 0,
            TimeSpan.FromSeconds(60));

    private static async Task<long> Count(string schema, string offerId, bool handled)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {schema}.wolverine_incoming_envelopes where message_type = 'EventCrm.Host.Retention.ExpireRetentionOffer' " +
            $"and position(convert_to(@offer, 'UTF8') in body) > 0 and (status = 'Handled') = @handled", connection);
        command.Parameters.AddWithValue("offer", offerId);
        command.Parameters.AddWithValue("handled", handled);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
