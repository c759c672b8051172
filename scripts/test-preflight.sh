#!/usr/bin/env bash
# First step of `npm test`: makes sure what the suite needs beyond node_modules is
# there, or says loudly what is not.
#
# - PostgreSQL on 127.0.0.1:5432 (TEST_POSTGRES_URL, default postgres://root@127.0.0.1:5432/test)
#   and Redis on 127.0.0.1:6379: started as .ci/run starts them when they do not answer
#   and this runs as root (scripts/services.sh).
# - Chromium at CHROMIUM_PATH (default /usr/bin/chromium) for the browser tests: never
#   installed from here (the test command does not install system packages).
# - promtool (Debian's prometheus) for the alert rule checks (test/unit/prometheus-alerts.test.ts),
#   skipped without it outside CI like the browser tests.
#
# Outside CI anything still missing gets one loud line and the suite runs anyway: browser
# tests skip themselves (test/support/browser.ts), PostgreSQL and Redis tests fail. Under
# CI (CI set, and not "false" or "0") nothing may be missing: exit 1 before any test runs.
set -uo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=services.sh
source scripts/services.sh

case "${CI:-}" in
  "" | 0 | false) ci=false ;;
  *) ci=true ;;
esac

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
postgres_url="${TEST_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test}"
missing=()

# Nothing to say when the service answers; else tries its start_* function, showing
# its progress, and on failure adds "TESTS (REASON; HINT)" to missing.
ensure() {
  local service="$1" tests="$2" answers="$3" start="$4" hint="$5" reason
  if "$answers"; then
    return 0
  fi
  echo "test preflight: $service does not answer; trying to start it"
  # Progress (stdout) passes through fd 3; the reason (stderr) is kept for the loud line.
  if { reason="$("$start" 2>&1 1>&3)"; } 3>&1; then
    return 0
  fi
  missing+=("$tests (${reason//$'\n'/; }; $hint)")
  return 1
}

if ensure PostgreSQL "PostgreSQL tests" postgres_answers start_postgres \
  "install postgresql, or set TEST_POSTGRES_URL"; then
  # The server answers; the tests also need the role and the database of the URL, with
  # trust auth. psql says which part is missing; without psql the tests will say it.
  if command -v psql >/dev/null 2>&1; then
    if ! reason="$(PGCONNECT_TIMEOUT=5 psql "$postgres_url" -Atqc 'select 1' </dev/null 2>&1 >/dev/null)"; then
      missing+=("PostgreSQL tests (${postgres_url} refuses: ${reason//$'\n'/ }; create the role and the database with trust auth on 127.0.0.1, or set TEST_POSTGRES_URL)")
    fi
  fi
fi
ensure Redis "Redis tests" redis_answers start_redis "apt-get install -y redis-server" || true

if [ ! -x "$chromium" ]; then
  missing+=("browser tests (no $chromium; apt-get install -y chromium fonts-ipafont-gothic, or set CHROMIUM_PATH)")
elif command -v fc-list >/dev/null 2>&1 && ! grep -qi "IPAGothic" <<<"$(fc-list : family 2>/dev/null)"; then
  # Not a reason to skip: the pages still work, but Japanese text in the screenshots is boxes.
  echo "test preflight: note: no IPA Gothic font (apt-get install -y fonts-ipafont-gothic); screenshots will show boxes for Japanese text"
fi

if ! command -v promtool >/dev/null 2>&1; then
  missing+=("alert rule checks (no promtool; apt-get install -y prometheus)")
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "test preflight: PostgreSQL, Redis, Chromium ($chromium) and promtool ready"
  exit 0
fi

for item in "${missing[@]}"; do
  if [ "$ci" = true ]; then
    echo "*** MISSING under CI: $item ***" >&2
  elif [[ "$item" == "browser tests"* || "$item" == "alert rule checks"* ]]; then
    echo "*** SKIPPED: $item ***" >&2
  else
    echo "*** WILL FAIL: $item ***" >&2
  fi
done
if [ "$ci" = true ]; then
  echo "test preflight: CI=${CI} skips nothing; stopping before the tests" >&2
  exit 1
fi
exit 0
