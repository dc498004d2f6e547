# shellcheck shell=bash
# scripts/db.sh: PostgreSQL bootstrap for ./eventcrm (sourced, not executed).
#
# Three private, throwaway PostgreSQL clusters live in the git-ignored folder .data/ of the repo:
#
#   demo  .data/pg        port ${EVENTCRM_PG_PORT:-5433}        durable defaults; used by `run`/`seed`
#   test  .data/pg-test   port ${EVENTCRM_PG_TEST_PORT:-5434}   fsync=off etc.; recreated on every start,
#                                                                so tests never touch the demo data
#   bench .data/pg-bench  port ${EVENTCRM_PG_BENCH_PORT:-5435}  durable defaults (we measure real
#                                                                behaviour) + pg_stat_statements;
#                                                                recreated on every start
#
# Why a private cluster and not the system service or Docker: CI runs as root on a fresh clone with
# no database and no Docker engine; a private cluster (initdb + pg_ctl, ~2 s) needs no service
# manager, cannot clash with a system PostgreSQL on 5432 and is deleted with `rm -rf .data`.
#
# When ConnectionStrings__EventCrm is already set in the environment, that database is used as-is
# and nothing is started, installed or stopped.
#
# Each cluster folder holds: data/ (PGDATA), run/ (unix socket), postgresql.log.
# Callers must set REPO_ROOT before sourcing.

: "${REPO_ROOT:?REPO_ROOT must be set before sourcing scripts/db.sh}"

# Captured once, at source time: after db_ensure exports our own value we must still know
# whether the user supplied one.
DB_EXTERNAL_CS="${ConnectionStrings__EventCrm:-}"

DB_NAME=eventcrm
DB_SUPERUSER=postgres

db_log() { printf '[db] %s\n' "$*" >&2; }
db_die() { printf '[db] ERROR: %s\n' "$*" >&2; exit 1; }
db_is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a PostgreSQL server binary as the cluster owner. PostgreSQL refuses to run as root, so as
# root everything goes through the `postgres` system user; as a normal user the user owns the
# cluster. `cd /` because the caller's cwd may not be readable by postgres (initdb/pg_ctl warn).
db_as_owner() {
  if db_is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# ---------------------------------------------------------------------------------------------
# Binaries
# ---------------------------------------------------------------------------------------------

# Finds PostgreSQL's bin folder (initdb, pg_ctl, postgres, psql) and sets PG_BIN. Debian puts them in
# /usr/lib/postgresql/<major>/bin and not on PATH; prefer the major version an existing cluster
# was created with (an upgraded package must not break an existing demo cluster).
db_find_bin() {
  local want_major="${1:-}" p
  PG_BIN=""
  if [ -n "$want_major" ] && [ -x "/usr/lib/postgresql/$want_major/bin/initdb" ]; then
    PG_BIN="/usr/lib/postgresql/$want_major/bin"; return 0
  fi
  if p="$(command -v initdb 2>/dev/null)"; then
    PG_BIN="$(dirname "$(readlink -f "$p")")"; return 0
  fi
  p="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$p" ] && [ -x "$p/initdb" ]; then PG_BIN="$p"; return 0; fi
  return 1
}

# Installs Debian's PostgreSQL server when no initdb exists (fresh CI machines).
db_install() {
  db_log "PostgreSQL server binaries (initdb) not found; installing Debian's postgresql package..."
  local sudo=()
  if ! db_is_root; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      db_die "initdb is missing and this user cannot install packages. Run as root:
    apt-get update && apt-get install -y postgresql
  or set ConnectionStrings__EventCrm to an existing database."
    fi
  fi
  # Note: the package's post-install may create and start Debian's own cluster on port 5432.
  # That is harmless: we never use it (our clusters have their own ports).
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
}

db_require_bin() {
  local want_major="${1:-}"
  if ! db_find_bin "$want_major"; then
    db_install
    db_find_bin "$want_major" || db_die "initdb still not found after installing postgresql"
  fi
  if db_is_root && ! id -u postgres >/dev/null 2>&1; then
    # The Debian package creates this user; a hand-installed PostgreSQL may not have.
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

# ---------------------------------------------------------------------------------------------
# Where the clusters live
# ---------------------------------------------------------------------------------------------

# Sets DB_BASE: normally $REPO_ROOT/.data. Falls back to /var/tmp/eventcrm-<hash of repo path> when
#  - running as root and the `postgres` user cannot traverse the repo path (e.g. the clone sits
#    under /root, mode 700): the server process runs as postgres and must reach its data and
#    socket folders; or
#  - the unix socket path would exceed the kernel's ~107-byte limit for socket paths.
# /var/tmp (not /tmp) because the demo data should survive a reboot. The hash keeps two clones
# apart; ports still have to differ if both run at the same time (EVENTCRM_PG_PORT).
# The choice must not change between runs, or `run` would start a second, empty demo cluster
# beside the first (and `stop` would miss the first): a base that already holds the demo cluster
# keeps being used, and before the `postgres` user exists (a fresh machine: the package creates it
# later) the repo path is judged by what any other user may traverse, which is what that new
# system user will be able to do.
db_choose_base() {
  local base="$REPO_ROOT/.data" reason="" hash fallback
  hash="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
  fallback="/var/tmp/eventcrm-$hash"
  if [ -s "$fallback/pg/data/PG_VERSION" ] && [ ! -s "$base/pg/data/PG_VERSION" ]; then
    reason="the demo cluster was created there"
  elif db_is_root && ! db_postgres_can_traverse "$REPO_ROOT"; then
    reason="user 'postgres' cannot traverse $REPO_ROOT (PostgreSQL cannot run as root)"
  elif [ "${#base}" -gt 70 ]; then
    # longest socket path: $base/pg-bench/run/.s.PGSQL.NNNNN = base + 30 chars, limit 107
    reason="the repo path is too long for a unix socket path"
  fi
  if [ -n "$reason" ]; then
    base="$fallback"
    db_log "Using $base for the database clusters: $reason."
  fi
  DB_BASE="$base"
}

db_postgres_can_traverse() {
  if id -u postgres >/dev/null 2>&1; then
    runuser -u postgres -- test -x "$1" 2>/dev/null
    return
  fi
  local dir="$1"
  while [ -n "$dir" ] && [ "$dir" != / ]; do
    [ "$(stat -c %A "$dir" | cut -c10)" = x ] || [ "$(stat -c %A "$dir" | cut -c10)" = t ] || return 1
    dir="$(dirname "$dir")"
  done
}

# Creates DB_BASE safely. In the /var/tmp fallback a folder of that name could have been
# pre-created by someone else: refuse anything we do not own or that is a symlink.
db_make_base() {
  if [ -L "$DB_BASE" ]; then db_die "$DB_BASE is a symlink; refusing to use it"; fi
  mkdir -p "$DB_BASE"
  [ "$(stat -c %u "$DB_BASE")" = "$(id -u)" ] || db_die "$DB_BASE is not owned by $(id -un); remove it"
  # 755: the postgres user (when we are root) has to traverse it, whatever our umask is.
  chmod 755 "$DB_BASE"
}

# Sets the DB_* variables of one cluster: demo, test or bench.
db_select() {
  DB_KIND="$1"
  [ -n "${DB_BASE:-}" ] || db_choose_base
  case "$DB_KIND" in
    demo) DB_DIR="$DB_BASE/pg";      DB_PORT="${EVENTCRM_PG_PORT:-5433}" ;;
    test) DB_DIR="$DB_BASE/pg-test"; DB_PORT="${EVENTCRM_PG_TEST_PORT:-5434}" ;;
    bench) DB_DIR="$DB_BASE/pg-bench"; DB_PORT="${EVENTCRM_PG_BENCH_PORT:-5435}" ;;
    *) db_die "unknown cluster '$DB_KIND' (expected demo, test or bench)" ;;
  esac
  DB_DATA="$DB_DIR/data"
  DB_SOCK="$DB_DIR/run"
  DB_LOGFILE="$DB_DIR/postgresql.log"
}

# ---------------------------------------------------------------------------------------------
# Cluster state
# ---------------------------------------------------------------------------------------------

db_initialized() { [ -s "$DB_DATA/PG_VERSION" ]; }

db_running() {
  db_initialized || return 1
  [ -n "${PG_BIN:-}" ] || db_find_bin "$(cat "$DB_DATA/PG_VERSION" 2>/dev/null)" || return 1
  db_as_owner "$PG_BIN/pg_ctl" status -D "$DB_DATA" >/dev/null 2>&1
}

# postmaster.pid: line 1 pid, 4 port, 5 socket directory. Reading the port and socket of the
# running server (instead of assuming ours) makes reuse of a cluster started with another
# EVENTCRM_PG_PORT work.
db_running_port() { sed -n 4p "$DB_DATA/postmaster.pid" 2>/dev/null; }
db_running_sock() { sed -n 5p "$DB_DATA/postmaster.pid" 2>/dev/null; }
db_running_pid()  { sed -n 1p "$DB_DATA/postmaster.pid" 2>/dev/null; }

db_initdb() {
  local locale=C.UTF-8 nosync=()
  # C.UTF-8: byte-order collation (fast, deterministic) but Unicode-aware upper/lower, so
  # case-insensitive search works for names such as "Müller". Fall back to C if it is missing.
  locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' || locale=C
  # The test and bench clusters are recreated on every start: skip initdb's fsync of the new files
  # (this only concerns initdb itself; the bench cluster then runs with durable settings).
  case "$DB_KIND" in test|bench) nosync=(--no-sync) ;; esac

  mkdir -p "$DB_DIR"
  if db_is_root; then chown postgres:postgres "$DB_DIR"; fi
  db_as_owner mkdir -p "$DB_SOCK"
  db_log "Creating the $DB_KIND cluster in $DB_DATA (initdb)..."
  db_as_owner "$PG_BIN/initdb" -D "$DB_DATA" -A trust -U "$DB_SUPERUSER" -E UTF8 \
      --locale="$locale" "${nosync[@]}" >"$DB_DIR/initdb.log" 2>&1 \
    || { tail -n 30 "$DB_DIR/initdb.log" >&2; db_die "initdb failed (log: $DB_DIR/initdb.log)"; }

  # Settings common to both clusters. Port, socket folder and listen address are passed on the
  # pg_ctl command line instead (see db_start), so a changed EVENTCRM_PG_PORT or a moved repo
  # needs no edit here. -A trust above is acceptable only because the server listens on
  # 127.0.0.1 and its own socket folder: this is a local throwaway cluster, never a shared one.
  db_as_owner tee -a "$DB_DATA/postgresql.conf" >/dev/null <<'CONF'

# ---- EventCrm private dev cluster (written by scripts/db.sh) ----
max_connections = 300          # parallel test classes each open pools
shared_buffers = 256MB
CONF
}

# Whether something listens on 127.0.0.1:PORT, and who (for the message; ss names the process when
# it may see it).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The first port after $1 that nothing listens on (of the next hundred): what a message suggests.
free_port_after() {
  local port
  for port in $(seq $(($1 + 1)) $(($1 + 100))); do
    [ "$port" -le 65535 ] || return 1
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  return 1
}
port_holder() {
  command -v ss >/dev/null || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n 1 || true
}

# The PID of a server of this cluster still running after its folder was deleted (rm -rf .data):
# pg_ctl no longer finds it, yet it holds the port until it notices, within a minute, that its
# postmaster.pid is gone. Its working folder is its data folder, marked deleted; its command line
# (the postmaster's, not its children's titles) names that folder.
db_orphan_pid() {
  local cwd pid
  while IFS= read -r cwd; do
    pid="${cwd#/proc/}"; pid="${pid%/cwd}"
    tr '\0' '\n' 2>/dev/null < "/proc/$pid/cmdline" | grep -qxF -- "$DB_DATA" || continue
    echo "$pid"
    return 0
  done < <(find /proc/[0-9]* -maxdepth 1 -name cwd -lname "$DB_DATA (deleted)" 2>/dev/null)
  return 1
}

# db_check_port demo|test|bench: refuses, in one line, a cluster port that another program holds,
# before anything is built or started. PostgreSQL would otherwise find it only after the build,
# and fail with the last twenty lines of its log.
db_check_port() {
  [ -z "$DB_EXTERNAL_CS" ] || return 0
  db_select "$1"
  db_running && return 0
  port_in_use "$DB_PORT" || return 0
  local who var orphan free
  if orphan="$(db_orphan_pid)"; then
    db_die "the $DB_KIND cluster's server (pid $orphan) still holds port $DB_PORT, though its folder $DB_DATA was deleted: ./eventcrm stop ends it (it also ends by itself within a minute)."
  fi
  who="$(port_holder "$DB_PORT")"
  case "$DB_KIND" in demo) var=EVENTCRM_PG_PORT ;; test) var=EVENTCRM_PG_TEST_PORT ;; *) var=EVENTCRM_PG_BENCH_PORT ;; esac
  free="$(free_port_after $((DB_PORT + 99)))" || free=""
  db_die "port $DB_PORT on 127.0.0.1, the $DB_KIND cluster's, is already in use${who:+ ($who)}: stop that program, or give the cluster another port${free:+, e.g. $var=$free}."
}

db_start() {
  db_check_port "$DB_KIND"
  local extra=""
  # Test cluster only: durability off. A crash loses at most a test run, and these three settings
  # make schema creation and event appends several times faster. The demo cluster keeps the
  # durable defaults because `run` keeps its data between sessions.
  [ "$DB_KIND" = test ] && extra=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  # Bench cluster: durable defaults like the demo cluster (benchmarks measure real commits), plus
  # pg_stat_statements, so a run can say which statements the time went to. It ships with
  # Debian's server package; without it the bench simply reports no statement statistics.
  if [ "$DB_KIND" = bench ] && [ -f "$(dirname "$PG_BIN")/lib/pg_stat_statements.so" ]; then
    extra=" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top"
  fi
  db_as_owner mkdir -p "$DB_SOCK"
  db_log "Starting the $DB_KIND cluster on 127.0.0.1:$DB_PORT..."
  # pg_ctl runs the server through /bin/sh, so quote the socket path (%q) for paths with spaces.
  local logged
  logged="$(stat -c %s "$DB_LOGFILE" 2>/dev/null || echo 0)"
  if ! db_as_owner "$PG_BIN/pg_ctl" -D "$DB_DATA" -l "$DB_LOGFILE" -w -t 60 \
        -o "-p $DB_PORT -h 127.0.0.1 -k $(printf '%q' "$DB_SOCK")$extra" start >/dev/null; then
    # What the server said of this start only, not the log of earlier ones.
    tail -c +"$((logged + 1))" "$DB_LOGFILE" 2>/dev/null | grep -E 'FATAL|PANIC|HINT' | head -n 4 >&2 || true
    db_die "could not start PostgreSQL ($DB_KIND); its log: $DB_LOGFILE"
  fi
  DB_STARTED_BY_US=1
}

db_psql_admin() {
  "$PG_BIN/psql" -X -q -h "$(db_running_sock)" -p "$(db_running_port)" -U "$DB_SUPERUSER" "$@"
}

db_create_database() {
  if [ -z "$(db_psql_admin -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
    db_log "Creating database '$DB_NAME'..."
    db_psql_admin -d postgres -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  fi
}

db_export_cs() {
  export ConnectionStrings__EventCrm="Host=127.0.0.1;Port=$(db_running_port);Database=$DB_NAME;Username=$DB_SUPERUSER;Pooling=true;Maximum Pool Size=100"
}

# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------

# db_ensure demo|test|bench: make the cluster run (creating it if needed), create the eventcrm database
# and export ConnectionStrings__EventCrm. Sets DB_STARTED_BY_US=1 when this call started it.
db_ensure() {
  DB_STARTED_BY_US=0
  if [ -n "$DB_EXTERNAL_CS" ]; then
    export ConnectionStrings__EventCrm="$DB_EXTERNAL_CS"
    if db_tenancy_listed; then
      db_log "Tenancy__Databases__N is set: the customers' databases are $(db_tenancy_described), starting nothing. The service never reads ConnectionStrings__EventCrm beside the list: it marks that database as holding none of the customers (docs/scaling.md)."
    else
      db_log "ConnectionStrings__EventCrm is set: using that database, starting nothing."
    fi
    return 0
  fi
  db_select "$1"
  db_make_base
  # Serialize concurrent invocations (two terminals, or run + test) around init/start.
  exec 9>"$DB_BASE/.lock"
  flock -w 120 9 || db_die "timed out waiting for $DB_BASE/.lock"

  local major=""
  db_initialized && major="$(cat "$DB_DATA/PG_VERSION")"
  db_require_bin "$major"

  if db_running; then
    db_log "The $DB_KIND cluster is already running (pid $(db_running_pid), port $(db_running_port)): reusing it."
  else
    if { [ "$DB_KIND" = test ] || [ "$DB_KIND" = bench ]; } && [ -d "$DB_DIR" ]; then
      # Throwaway by design: every test or bench run starts from an empty server (~1-2 s).
      rm -rf "$DB_DATA" "$DB_LOGFILE"
    fi
    if ! db_initialized; then db_initdb; fi
    if [ -n "$major" ] && [ "$major" != "$("$PG_BIN/pg_ctl" --version | grep -oE '[0-9]+' | head -n 1)" ]; then
      db_die "$DB_DATA was created by PostgreSQL $major but only $PG_BIN is installed. Remove $DB_DIR to recreate it."
    fi
    db_start
  fi
  # Over Tenancy__Databases__N the service reads those databases only: the demo database would be a stray one.
  if [ "$DB_KIND" = demo ] && db_tenancy_listed; then
    flock -u 9; exec 9>&-
    db_log "Ready: the demo cluster on port $(db_running_port); the customers' databases are those of Tenancy__Databases__N: $(db_tenancy_described)"
    return 0
  fi
  db_create_database
  db_export_cs
  flock -u 9; exec 9>&-
  db_log "Ready: $ConnectionStrings__EventCrm"
}

# Whether the environment spreads the customers over several databases (Tenancy__Databases__0, __1, ...).
db_tenancy_listed() { env | grep -q '^Tenancy__Databases__[0-9][0-9]*=.'; }

# "db0 host:port/database, db1 ...": the list as the service reads it (in order of N), nothing secret.
db_tenancy_described() {
  local n var connection part key value host port database out="" parts
  for n in $(env | sed -n 's/^Tenancy__Databases__\([0-9][0-9]*\)=.*/\1/p' | sort -n); do
    var="Tenancy__Databases__$n"; connection="${!var}"
    [ -n "$connection" ] || continue
    host=localhost port=5432 database=""
    IFS=';' read -ra parts <<< "$connection"
    for part in "${parts[@]}"; do
      key="$(printf '%s' "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')"; value="${part#*=}"
      case "$key" in
        host|server) host="$value" ;;
        port) port="$value" ;;
        database|db) database="$value" ;;
      esac
    done
    out="${out:+$out, }db$n $host:$port/$database"
  done
  printf '%s' "$out"
}

# A plain run over the demo database (no Tenancy__Databases__N): the mark "holds none of the customers" that a
# ./eventcrm run with the list set left in it before 2026-12-07 (midnight), when the script still set
# ConnectionStrings__EventCrm beside the list, is removed, so that the demo runs over its own database again. A
# database listed as one of a deployment's keeps its mark, and the service refuses it (docs/scaling.md).
db_unmark_demo_database() {
  [ -z "$DB_EXTERNAL_CS" ] && [ "$DB_KIND" = demo ] && ! db_tenancy_listed || return 0
  local schema="${Marten__Schema:-eventcrm}" removed
  removed="$(db_psql_admin -d "$DB_NAME" -Atc "
    do \$\$ begin
      if to_regclass('\"$schema\".customer_database_place') is not null then
        delete from \"$schema\".customer_database_place where position is null;
        if found then raise notice 'removed'; end if;
      end if;
    end \$\$;" 2>&1)" || db_die "Could not read the demo database's place (${schema}.customer_database_place): $removed"
  case "$removed" in
    *removed*) db_log "The demo database was marked as holding none of the customers of a deployment over Tenancy__Databases__N (an earlier ./eventcrm run with the list set): the mark is removed, the demo runs over its own database (docs/scaling.md, \"Commands over several databases\")." ;;
  esac
}

# db_stop demo|test|bench
db_stop() {
  local orphan
  if [ -n "$DB_EXTERNAL_CS" ]; then
    db_log "ConnectionStrings__EventCrm is set: external database, nothing to stop."
    return 0
  fi
  db_select "$1"
  if db_running; then
    db_log "Stopping the $DB_KIND cluster (port $(db_running_port))..."
    db_as_owner "$PG_BIN/pg_ctl" -D "$DB_DATA" -m fast -w -t 60 stop >/dev/null
    db_log "Stopped."
  elif orphan="$(db_orphan_pid)"; then
    # Its data is gone already: an immediate shutdown loses nothing more.
    db_log "Stopping the $DB_KIND cluster's server (pid $orphan), whose folder $DB_DATA was deleted..."
    kill -QUIT "$orphan" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$orphan" 2>/dev/null || break; sleep 0.1; done
    db_log "Stopped."
  else
    db_log "The $DB_KIND cluster is not running."
  fi
}

# Who else uses the running cluster: its client sessions other than this query's and other than
# those of the processes named (the service `stop` has just ended, whose sessions may take a moment
# to close), as "name (N sessions)", comma-separated; nothing when none. Every session of an EventCrm
# node carries the node's name as its application_name (src/Host/Infrastructure/NodeName.cs): the
# connection string's Application Name, else machine:pid.
db_other_sessions() {
  local ended="${1:-}" except=""
  [ -z "$ended" ] || except=" and application_name !~ ':(${ended// /|})\$'"
  db_psql_admin -d postgres -AtF ' ' -c "select count(*), coalesce(nullif(application_name, ''), '(unnamed)') from pg_stat_activity
      where backend_type = 'client backend' and pid <> pg_backend_pid()$except group by 2 order by 2" \
    | awk '{ n = $1; $1 = ""; sub(/^ /, ""); printf "%s%s (%d session%s)", (NR > 1 ? ", " : ""), $0, n, (n == 1 ? "" : "s") }'
}

# db_stop_unless_used demo|test|bench [pids]: what `./eventcrm stop` does to a cluster. One that
# other nodes (or programs) still use keeps running: stopping it would take their database from under
# them (a second node of docs/scaling.md §1 answered 503 until it was started again). The sessions of
# the processes named, ended just now, are given three seconds to close.
db_stop_unless_used() {
  local users=""
  if [ -z "$DB_EXTERNAL_CS" ]; then
    db_select "$1"
    if db_running; then
      for _ in $(seq 1 15); do
        users="$(db_other_sessions "${2:-}" 2>/dev/null)" || users="(who, it could not be asked)"
        [ -n "$users" ] || break
        sleep 0.2
      done
    fi
  fi
  if [ -n "$users" ]; then
    db_log "Keeping the $DB_KIND cluster (port $(db_running_port)) running: it is still in use by $users. To stop it anyway: ./eventcrm db stop $DB_KIND"
    return 0
  fi
  db_stop "$1"
}

# Password hidden in any printed connection string.
db_mask_cs() { sed -E 's/((^|;)[[:space:]]*(Password|Pwd)[[:space:]]*=)[^;]*/\1*****/Ig' <<<"$1"; }

# db_status demo|test|bench
db_status() {
  local orphan
  if [ -n "$DB_EXTERNAL_CS" ]; then
    printf 'external: ConnectionStrings__EventCrm=%s\n' "$(db_mask_cs "$DB_EXTERNAL_CS")"
    return 0
  fi
  db_select "$1"
  if db_running; then
    printf '%-5s running  pid %s, 127.0.0.1:%s, data %s\n' "$DB_KIND" "$(db_running_pid)" "$(db_running_port)" "$DB_DATA"
    printf '      ConnectionStrings__EventCrm="Host=127.0.0.1;Port=%s;Database=%s;Username=%s"\n' "$(db_running_port)" "$DB_NAME" "$DB_SUPERUSER"
  elif orphan="$(db_orphan_pid)"; then
    printf '%-5s orphaned pid %s, its folder %s deleted (./eventcrm stop ends it)\n' "$DB_KIND" "$orphan" "$DB_DATA"
  elif db_initialized; then
    printf '%-5s stopped  data %s (port %s when started)\n' "$DB_KIND" "$DB_DATA" "$DB_PORT"
  else
    printf '%-5s absent   (created on first start in %s)\n' "$DB_KIND" "$DB_DATA"
  fi
}

# db_psql demo|test|bench [psql args...]: interactive psql on the eventcrm database.
db_psql() {
  local kind="$1"; shift
  if [ -n "$DB_EXTERNAL_CS" ]; then
    # Translate the Npgsql connection string into libpq variables (common keys only).
    local pair key val pairs
    IFS=';' read -ra pairs <<<"$DB_EXTERNAL_CS"
    for pair in "${pairs[@]}"; do
      key="$(tr '[:upper:]' '[:lower:]' <<<"${pair%%=*}" | tr -d ' ')"; val="${pair#*=}"
      case "$key" in
        host|server) export PGHOST="$val" ;;
        port) export PGPORT="$val" ;;
        database|db) export PGDATABASE="$val" ;;
        username|userid|user|uid) export PGUSER="$val" ;;
        password|pwd) export PGPASSWORD="$val" ;;
      esac
    done
    command -v psql >/dev/null || db_die "psql not found (apt-get install -y postgresql-client)"
    exec psql -X "$@"
  fi
  db_ensure "$kind"
  exec "$PG_BIN/psql" -h "$(db_running_sock)" -p "$(db_running_port)" -U "$DB_SUPERUSER" -d "$DB_NAME" "$@"
}
