# Sourced by the PostGIS bench scripts: a throw-away PostgreSQL + PostGIS
# cluster on 127.0.0.1 (as the tests start theirs), stopped and removed when
# the script exits. Sets $port, $dir, and `psql` (user bench, db postgres).
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/cw-bench-pg-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
run_pg "$pgbin/initdb" -D "$dir/data" -U bench --auth=trust --no-locale -E UTF8 >/dev/null
run_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=1GB -c work_mem=256MB" start >/dev/null
trap 'run_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"' EXIT
psql() { command psql -q -h 127.0.0.1 -p "$port" -U bench -d postgres "$@"; }
psql -c "CREATE EXTENSION postgis"
