namespace EventCrm.Tests.DataTools;

/// <summary>
/// Makes PostgreSQL refuse to drop one schema until disposed, the way a lost connection or a lock
/// timeout would fail the drop: an event trigger on dropped objects raises when the schema is
/// among them, and the whole statement is rolled back.
/// </summary>
public sealed class RefusedSchemaDrop : IAsyncDisposable
{
    private readonly string _trigger;

    private RefusedSchemaDrop(string trigger) => _trigger = trigger;

    public static async Task<RefusedSchemaDrop> Of(string schema)
    {
        var trigger = $"refuse_drop_{Environment.ProcessId}_{Guid.NewGuid():N}";
        await DataCommandLine.Execute($"""
            create function public.{trigger}() returns event_trigger language plpgsql as $$
            begin
                if exists (select 1 from pg_event_trigger_dropped_objects() where object_type = 'schema' and object_name = '{schema}') then
                    raise exception 'dropping schema {schema} is refused';
                end if;
            end $$;
            create event trigger {trigger} on sql_drop execute function public.{trigger}();
            """);
        return new RefusedSchemaDrop(trigger);
    }

    public ValueTask DisposeAsync() =>
        new(DataCommandLine.Execute($"drop event trigger if exists {_trigger}; drop function if exists public.{_trigger}()"));
}
