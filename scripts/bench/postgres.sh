# Sourced by the team-store benchmark: starts Debian's PostgreSQL 15 (default settings:
# durable commits) as the unprivileged `postgres` user on a free loopback port, its data and
# socket in a fresh temporary directory, stopped and removed on exit.
# Sets $pg_dir and $pg_url (a fresh database, `postgresql://postgres@127.0.0.1:PORT/bench`).
pg_bin=/usr/lib/postgresql/15/bin
pg_dir=$(mktemp -d /tmp/regsh-bench-pg.XXXXXX)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$pg_dir"
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --locale=C -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_wal_size=8GB" start >/dev/null
trap 'as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
"$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -c 'CREATE DATABASE bench'
pg_url="postgresql://postgres@127.0.0.1:$pg_port/bench"
