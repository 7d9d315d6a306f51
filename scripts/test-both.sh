#!/usr/bin/env bash
# `make test` and `make test-postgres` at the same time. Each is one pytest process that keeps
# about one core busy, so on a two-core machine both together take little longer than the slower
# alone (CI's 45 minutes hold only this way). Each run has its own log and its own folders for the
# files tests write (media, targeting batches, backups, collected static), so neither can read the
# other's. Both logs are printed; the exit code fails if either run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory install-dev frontend oidc-provider || exit 1
mkdir -p var/log
run_suite() {  # name, make target
  local files="var/test-files/$1"
  rm -rf "$files" && mkdir -p "$files"
  MEDIA_ROOT="$PWD/$files/media" TARGETING_DIR="$PWD/$files/targeting" \
    BACKUP_DIR="$PWD/$files/backups" STATIC_ROOT="$PWD/$files/static" \
    make --no-print-directory "$2" >"var/log/test-$1.log" 2>&1
}
started=$(date +%s)
run_suite sqlite test & sqlite_pid=$!
run_suite postgres test-postgres & postgres_pid=$!
wait "$sqlite_pid"; sqlite_status=$?
wait "$postgres_pid"; postgres_status=$?
echo "== make test (SQLite), var/log/test-sqlite.log"
cat var/log/test-sqlite.log
echo "== make test-postgres, var/log/test-postgres.log"
cat var/log/test-postgres.log
echo "Both suites in $(( ($(date +%s) - started) / 60 )) min: SQLite exit $sqlite_status, PostgreSQL exit $postgres_status"
[ "$sqlite_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]
