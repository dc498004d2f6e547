using EventCrm.Host.Schema;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// The start lists the schema changes Marten's apply is about to make, once the new indexes are built concurrently.
/// A failure to write that list (a line Weasel cannot write, a log sink refusing it) was caught with the builds and
/// logged as "Building the new indexes of ... concurrently failed": the operator read a failed build where every
/// index was built. Now it is a warning of its own, and the start goes on.
/// </summary>
public class when_the_schema_changes_cannot_be_listed_at_start
{
    private const string Schema = "eventcrm_unlisted_changes";
    private const string NameIndex = "mt_doc_customerprofile_idx_nameid";

    [Fact]
    public async Task the_index_is_built_and_the_warning_says_the_list_failed_not_the_build()
    {
        await DataCommandLine.DropSchema(Schema);
        await using (var first = await AppFixture.StartHost(Schema))
        {
        }
        // A new version adding an index to a table that exists.
        await DataCommandLine.Execute($"drop index {Schema}.{NameIndex}");

        var logs = new CapturedLogs();
        await using (var next = await AppFixture.StartHost(Schema, services =>
                     {
                         services.AddSingleton<ILoggerProvider>(logs);
                         services.AddSingleton<ILoggerProvider>(new RefusingTheList());
                     }))
        {
        }

        var database = new NpgsqlConnectionStringBuilder(DataCommandLine.ConnectionString()).Database;
        var lines = logs.Since(0).Where(entry => entry.Category == typeof(ConcurrentIndexBuildsAtStart).FullName).ToList();
        lines.Select(entry => entry.Message).ShouldContain(m => m.StartsWith($"Built index {NameIndex} in "));
        lines.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message).ShouldBe(
            [$"Listing the schema changes of {database} failed: Marten's schema migration goes on and applies them all the same"]);
        (await DataCommandLine.Count($"select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace " +
                                    $"where n.nspname = '{Schema}' and c.relname = '{NameIndex}' and i.indisvalid")).ShouldBe(1L);

        await DataCommandLine.DropSchema(Schema);
    }

    /// <summary>A log sink that throws on the lines of the list of schema changes (the Host's logger then throws them on).</summary>
    private sealed class RefusingTheList : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Refusing(categoryName);

        public void Dispose()
        {
        }

        private sealed class Refusing(string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (category == typeof(ConcurrentIndexBuildsAtStart).FullName && (message.StartsWith("Applying schema change") || message.StartsWith("Schema of ")))
                    throw new IOException("the log sink refused the line");
            }
        }
    }
}
