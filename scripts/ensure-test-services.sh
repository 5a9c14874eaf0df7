#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis that the test suite talks to are answering.
#
# Reads DATABASE_URL and REDIS_URL (as `make test` sets them). A server on this machine
# (127.0.0.1 or localhost) that does not answer is started, after installing it from
# Debian packages if it is not installed, and PostgreSQL is given trust authentication
# on 127.0.0.1 for the test user if it asks for a password. Servers on other hosts are
# the caller's to run. Safe to run again; prints nothing when both already answer.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/patchwatch}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379/14}

fail() {
    echo "$*" >&2
    exit 1
}

# Sets url_user, url_host and url_port from a URL such as postgres://user:pw@host:port/db.
parse_url() {
    local url=$1 default_port=$2
    if [[ ! $url =~ ^[a-z0-9+.-]+://(([^:@/]*)(:[^@/]*)?@)?([^:/?]+)(:([0-9]+))? ]]; then
        fail "Cannot read a host and port from '$url'."
    fi
    url_user=${BASH_REMATCH[2]}
    url_host=${BASH_REMATCH[4]}
    url_port=${BASH_REMATCH[6]:-$default_port}
}

is_local() {
    [[ $1 == 127.0.0.1 || $1 == localhost ]]
}

can_be_root() {
    [[ $(id -u) -eq 0 ]] || command -v sudo >/dev/null 2>&1
}

# Runs a command as root, directly or through sudo; returns 1 when neither is possible.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

port_answers() {
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

wait_for() {
    local attempt
    for attempt in $(seq 60); do
        "$@" && return 0
        sleep 0.5
    done
    return 1
}

# --- PostgreSQL ------------------------------------------------------------------------

postgres_answers() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$pg_host" -p "$pg_port"
    else
        port_answers "$pg_host" "$pg_port"
    fi
}

# The newest Debian cluster named "main", created if the server has none yet.
postgres_cluster_version() {
    local version
    version=$(find /etc/postgresql -mindepth 2 -maxdepth 2 -name main -printf '%h\n' 2>/dev/null \
        | xargs -r -n 1 basename | sort -V | tail -n 1)
    if [[ -z $version ]]; then
        version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
        can_be_root || fail "PostgreSQL $version has no cluster, and creating one needs root (or sudo)."
        as_root pg_createcluster --port "$pg_port" "$version" main >/dev/null \
            || fail "Could not create a PostgreSQL $version cluster."
    fi
    echo "$version"
}

start_postgres() {
    local version status port
    version=$(postgres_cluster_version)
    read -r _ _ port status _ < <(pg_lsclusters --no-header "$version" main) || true
    if [[ $status == online ]]; then
        fail "PostgreSQL $version (cluster main) is running on port $port, not $pg_port: set DATABASE_URL to match."
    fi
    echo "Starting PostgreSQL $version (cluster main) on port $port" >&2
    # PostgreSQL refuses to run as root; pg_ctlcluster switches to the cluster's owner.
    if [[ $(id -un) == postgres ]]; then
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
    elif can_be_root; then
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start \
            || fail "PostgreSQL $version did not start (see /var/log/postgresql/postgresql-$version-main.log)."
    else
        fail "PostgreSQL is not running on $pg_host:$pg_port and starting it needs root (or sudo)."
    fi
}

postgres_accepts_user() {
    # pytest-django creates its own test database, connecting through "postgres".
    PGCONNECT_TIMEOUT=5 psql "${database_url%/*}/postgres" -w -Atqc 'select 1' >/dev/null 2>&1
}

ensure_postgres_trust() {
    command -v psql >/dev/null 2>&1 || return 0
    postgres_accepts_user && return 0
    local error version hba
    error=$(PGCONNECT_TIMEOUT=5 psql "${database_url%/*}/postgres" -w -Atqc 'select 1' 2>&1 | head -n 1 || true)
    version=$(postgres_cluster_version)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if [[ $error != *password* ]] || ! as_root test -f "$hba"; then
        fail "PostgreSQL on $pg_host:$pg_port refuses user $pg_user: $error"
    fi
    echo "Allowing user $pg_user on 127.0.0.1 without a password in $hba" >&2
    # The first matching line wins, so the rule goes at the top.
    as_root sed -i "1i host all $pg_user 127.0.0.1/32 trust" "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    wait_for postgres_accepts_user || fail "PostgreSQL on $pg_host:$pg_port still refuses user $pg_user."
}

ensure_postgres() {
    if ! postgres_answers; then
        "$here/ensure-system-packages.sh" '/usr/lib/postgresql/*/bin/postgres:postgresql'
        # Installing the package may have started the server already.
        postgres_answers || start_postgres
        wait_for postgres_answers \
            || fail "PostgreSQL was started but does not answer on $pg_host:$pg_port (see /var/log/postgresql/)."
    fi
    ensure_postgres_trust
}

# --- Redis -----------------------------------------------------------------------------

redis_answers() {
    if command -v redis-cli >/dev/null 2>&1; then
        [[ $(redis-cli -h "$redis_host" -p "$redis_port" ping 2>/dev/null) == PONG ]]
    else
        port_answers "$redis_host" "$redis_port"
    fi
}

ensure_redis() {
    redis_answers && return 0
    "$here/ensure-system-packages.sh" redis-server
    if ! redis_answers; then
        echo "Starting Redis on 127.0.0.1:$redis_port" >&2
        # The test suite's data is thrown away, so nothing is written to disk.
        redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" \
            --save "" --appendonly no >/dev/null
    fi
    wait_for redis_answers || fail "Redis was started but does not answer on 127.0.0.1:$redis_port."
}

parse_url "$database_url" 5432
pg_user=${url_user:-postgres} pg_host=$url_host pg_port=$url_port
parse_url "$redis_url" 6379
redis_host=$url_host redis_port=$url_port

if is_local "$pg_host"; then
    ensure_postgres
fi
if is_local "$redis_host"; then
    ensure_redis
fi
