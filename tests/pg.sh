#!/usr/bin/env bash
# Throwaway PostgreSQL 15 server for tests.
#   tests/pg.sh start DIR PORT          fresh cluster in DIR on 127.0.0.1:PORT; prints the DSN
#   tests/pg.sh stop DIR                stops it and removes DIR
#   tests/pg.sh createdb DIR PORT NAME  creates another database
# As root the server runs as the postgres OS user (PostgreSQL refuses root).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DB=gridgov_test

usage() {
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Run a command as the cluster owner (postgres when we are root).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Absolute path, so that runuser's working directory doesn't matter.
abspath() {
    case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}

check_port() {
    case "$1" in '' | *[!0-9]*) echo "pg.sh: bad port '$1'" >&2 && exit 2 ;; esac
}

pg_createdb() { # DIR PORT NAME
    as_owner "$PGBIN/createdb" -h "$1" -p "$2" -U postgres "$3"
}

cmd_start() { # DIR PORT
    local dir port
    dir=$(abspath "$1")
    port=$2
    check_port "$port"
    # Stop and remove a leftover cluster in the same place.
    if [ -f "$dir/PG_VERSION" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir"
        # postgres must be able to reach DIR through its parents.
        local p
        p=$(dirname "$dir")
        while [ "$p" != / ]; do
            runuser -u postgres -- test -x "$p" || {
                echo "pg.sh: chmod o+x $p so postgres can reach $dir" >&2
                chmod o+x "$p"
            }
            p=$(dirname "$p")
        done
    fi
    chmod 700 "$dir"

    as_owner "$PGBIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir.initdb.log" 2>&1 || {
        cat "$dir.initdb.log" >&2
        exit 1
    }
    rm -f "$dir.initdb.log"
    cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
    cat >"$dir/pg_hba.conf" <<HBA
local all all            trust
host  all all 127.0.0.1/32 trust
host  all all ::1/128      trust
HBA

    # -w -t 30 waits (bounded) for startup; pg_isready confirms TCP is up.
    if ! as_owner "$PGBIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 start >/dev/null; then
        cat "$dir/server.log" >&2 || true
        exit 1
    fi
    local i
    for i in $(seq 1 20); do
        "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
        [ "$i" -eq 20 ] && {
            echo "pg.sh: server on port $port not accepting connections" >&2
            exit 1
        }
        sleep 0.2
    done
    pg_createdb "$dir" "$port" "$DB"
    echo "postgres://postgres@127.0.0.1:$port/$DB"
}

cmd_stop() { # DIR
    local dir
    dir=$(abspath "$1")
    if [ -f "$dir/PG_VERSION" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_owner "$PGBIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

[ $# -ge 1 ] || usage
case "$1" in
start)
    [ $# -eq 3 ] || usage
    cmd_start "$2" "$3"
    ;;
stop)
    [ $# -eq 2 ] || usage
    cmd_stop "$2"
    ;;
createdb)
    [ $# -eq 4 ] || usage
    check_port "$3"
    pg_createdb "$(abspath "$2")" "$3" "$4"
    ;;
*) usage ;;
esac
