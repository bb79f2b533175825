#!/usr/bin/env bash
# Stops the scratch cluster scripts/start-postgres.sh started (its files stay in DIR).
set -euo pipefail
DIR="${1:-/tmp/gbl-postgres}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast stop; else "$BIN/pg_ctl" -D "$DIR/data" -m fast stop; fi
rm -f "$DIR/url"
