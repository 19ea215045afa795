#!/usr/bin/env bash
# The whole suite: lint first, SQLite always, PostgreSQL when one is reachable, then the browser tests in a
# pytest process of their own (Playwright's sync API and pytest-asyncio do not share a process).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONDONTWRITEBYTECODE=1
status=0

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core) >/dev/null 2>&1
  fi
  [ -x /usr/bin/chromium ]
}

postgres_url="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
postgres_up() {
  $BIN/python - "$postgres_url" <<'PY' >/dev/null 2>&1
import asyncio, sys, asyncpg
async def main():
    conn = await asyncpg.connect(sys.argv[1], timeout=3)
    await conn.close()
asyncio.run(main())
PY
}

# ruff, then the import contracts (each printed KEPT or BROKEN): a failure fails the run, after the tests
echo "== lint: ruff and the import contracts (.importlinter)"
make --no-print-directory lint || status=1

echo "== unit and integration tests on SQLite"
TEST_ENGINE=sqlite $BIN/pytest -m "not browser" -q -p no:cacheprovider "$@" || status=1

if postgres_up; then
  echo "== unit and integration tests on PostgreSQL ($postgres_url)"
  TEST_ENGINE=postgres TEST_DATABASE_URL="$postgres_url" $BIN/pytest -m "not browser" -q -p no:cacheprovider "$@" || status=1
else
  echo "== PostgreSQL not reachable at $postgres_url: the PostgreSQL run is left out"
  [ "${CI:-}" = "true" ] && { echo "CI requires PostgreSQL"; status=1; }
fi

if ensure_chromium; then
  echo "== browser tests (headless Chromium)"
  TEST_ENGINE=sqlite $BIN/pytest -m browser -q -p no:cacheprovider tests/browser || status=1
else
  echo "== /usr/bin/chromium is missing and could not be installed: browser tests NOT run"
  [ "${CI:-}" = "true" ] && status=1
fi
exit $status
