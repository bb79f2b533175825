#!/usr/bin/env bash
# Starts (or finds running) a scratch PostgreSQL cluster for the tests and prints its URL:
#   postgres://postgres@127.0.0.1:<port>/postgres
# initdb's a throwaway cluster in DIR (default /tmp/gbl-postgres) on a free loopback port, trust
# auth, no other configuration touched. Run as root it runs PostgreSQL as the `postgres` user.
# Safe to call concurrently (flock) and repeatedly (a running cluster is reused).
# Stop it with: scripts/stop-postgres.sh [DIR]
set -euo pipefail
DIR="${1:-/tmp/gbl-postgres}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$BIN" ]; then echo "start-postgres: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql-15)" >&2; exit 1; fi
mkdir -p "$DIR"
exec 9>"$DIR.lock"
flock 9
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
if [ -f "$DIR/url" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  cat "$DIR/url"
  exit 0
fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
    || { echo "start-postgres: initdb failed, see $DIR/initdb.log" >&2; exit 1; }
fi
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null 9>&- \
  || { echo "start-postgres: pg_ctl start failed, see $DIR/server.log" >&2; exit 1; }
echo "postgres://postgres@127.0.0.1:$PORT/postgres" | tee "$DIR/url"
