#!/usr/bin/env bash
# Starts (start DIR) or stops (stop DIR) a throwaway Postgres cluster for the test suite, or
# starts it again (resume DIR) or restarts it (restart DIR) for the fault tests:
# initdb and pg_ctl -w start in DIR, on a free loopback port, as the postgres user when root
# (initdb refuses root). `start` prints the superuser URL; each test suite makes its own database.
set -euo pipefail
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/pg_ctl" ] || { echo "no Postgres server found under /usr/lib/postgresql" >&2; exit 1; }
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_pg "$bin/initdb" -D "$dir/data" -U vigil --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 300
shared_buffers = '256MB'
fsync = on
CONF
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 start >/dev/null \
      || { tail -20 "$dir/data/server.log" >&2; exit 1; }
    echo "postgres://vigil@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  resume)
    # Starts a cluster made by `start` again after `stop`, on the same port, with the same data.
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 start >/dev/null \
      || { tail -20 "$dir/data/server.log" >&2; exit 1; }
    ;;
  restart)
    # What a minor-version upgrade or a managed service does: a fast shutdown, then a start.
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -m fast -w -t 60 restart >/dev/null \
      || { tail -20 "$dir/data/server.log" >&2; exit 1; }
    ;;
  *)
    echo "usage: $0 start|stop|resume|restart DIR" >&2
    exit 2
    ;;
esac
