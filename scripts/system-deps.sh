#!/usr/bin/env bash
# The system parts the tests need, installed when missing (Debian/Ubuntu, as root or with sudo):
#   chromium           the browser test opens report.html headlessly (playwright-core drives it)
#   fonts-dejavu-core  text in the PNG charts (resvg draws with system fonts)
#   jupyter-nbconvert  the notebooks run headlessly with the Deno kernel (deno comes from npm)
#   postgresql         the live adapter's tests run on a scratch PostgreSQL cluster
#                      (scripts/start-postgres.sh starts it; PGlite needs nothing)
# Nothing is done when everything is there. `npm test` calls this first, so a missing part is
# installed or named, never silently skipped.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v jupyter-nbconvert >/dev/null 2>&1 || missing+=(jupyter-nbconvert)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]} (apt-get)" >&2
if [ "$(id -u)" = 0 ]; then as_root=(); elif command -v sudo >/dev/null 2>&1; then as_root=(sudo); else
  echo "system-deps: ${missing[*]} missing and no root or sudo to install them: apt-get install ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: ${missing[*]} missing and no apt-get here: install them with this system's package manager" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system-deps: installed ${missing[*]}" >&2
