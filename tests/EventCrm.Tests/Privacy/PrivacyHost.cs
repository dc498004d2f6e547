using Alba;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Privacy;

public sealed record Person(string Id, string Name, string Email, string CallReason);

[CollectionDefinition(Name)]
public sealed class PrivacyScenarios : ICollectionFixture<PrivacyHost>
{
    public const string Name = "privacy";
}

/// <summary>
/// A schema of its own: one scenario removes seals on purpose, and the raw search reads every table.
/// The scenarios that share it run one after another (<see cref="PrivacyScenarios"/>).
/// </summary>
public sealed class PrivacyHost : IAsyncLifetime
{
    public const string Collection = PrivacyScenarios.Name;
    public const string Schema = "eventcrm_privacy";
    public IAlbaHost Host { get; private set; } = null!;
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();
    public CapturedLogs Logs { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Host = await AppFixture.StartHost(Schema, Logs, ("Privacy:SealWait", "00:00:02"));
        await Host.ResetAllData();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
    }

    /// <summary>
    /// A customer with a lead, a signup, purchases, a refund and a support call, under a name and
    /// email no one else has, and a support call whose reason, as free text may, says who called.
    /// </summary>
    public async Task<Person> Customer()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var person = new Person(Ids.Customer(), $"Quentin Zabriskie{marker}", $"qz.{marker}@privacy.example", $"his wife Zelda{marker} called for him");
        var purchase = Purchase(person.Id, Jan1.AddDays(10), amount: 400m, margin: 120m);
        await Host.PostTouchpoints(new object[]
        {
            Lead(person.Id, Jan1.AddDays(-20), person.Name, person.Email),
            SignUp(person.Id, Jan1, person.Name, person.Email),
            purchase,
            Purchase(person.Id, Jan1.AddDays(40), amount: 250m, margin: 60m),
            Of("refund", person.Id, Jan1.AddDays(45), new { orderId = purchase["orderId"], amount = 100m, margin = 30m }),
            Of("support-call", person.Id, Jan1.AddDays(50), new { durationMinutes = 12, cost = 25m, reason = person.CallReason, resolved = true }),
        });
        return person;
    }

    /// <summary>
    /// Every column of every table of the schema (events, documents, seals, Wolverine's envelopes,
    /// whatever their type) searched for the value as text, and byte columns for its UTF-8 bytes.
    /// </summary>
    public static async Task<List<string>> TablesHolding(string value)
    {
        await using var connection = await Open();
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var list = new NpgsqlCommand(
            "select c.table_name, c.column_name, c.data_type from information_schema.columns c join information_schema.tables t " +
            "on t.table_schema = c.table_schema and t.table_name = c.table_name where c.table_schema = @schema and t.table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("schema", Schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        columns.Select(c => c.Table).Distinct().ShouldContain("mt_doc_customerprofile");

        var found = new List<string>();
        foreach (var (table, column, type) in columns)
        {
            var condition = type == "bytea"
                ? $"position(convert_to(@value, 'UTF8') in \"{column}\") > 0"
                : $"strpos(lower(\"{column}\"::text), lower(@value)) > 0";
            await using var search = new NpgsqlCommand($"select count(*) from {Schema}.\"{table}\" where {condition}", connection);
            search.Parameters.AddWithValue("value", value);
            if ((long)(await search.ExecuteScalarAsync())! > 0) found.Add($"{table}.{column}");
        }
        return found;
    }

    public static async Task Execute(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<NpgsqlConnection> Open()
    {
        var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        return connection;
    }
}
