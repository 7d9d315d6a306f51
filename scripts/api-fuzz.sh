#!/usr/bin/env bash
# schemathesis against the API as each role: every check, every phase (examples, coverage,
# fuzzing, stateful), on a throwaway PostgreSQL, production settings, gunicorn on 127.0.0.1.
#
#   scripts/api-fuzz.sh                      # every role, 5 examples per operation and phase
#   EXAMPLES=20 ROLES="worker manager" scripts/api-fuzz.sh
#   PHASES=fuzzing,stateful EXAMPLES=3 ROLES=partner scripts/api-fuzz.sh   # a quick pass
#
# Output: var/api-fuzz/<role>.txt (schemathesis's own report) and a summary line per role.
# Settings in scripts/api-fuzz.toml; scripts/api_fuzz_hooks.py lets the right 400s of schema-valid
# requests (earlyhelp.testing.api_fuzz: an unknown id, NUL in a key, Open Referral rules) pass.
# Exit status: non-zero if any role's run failed. Sized for a shared 2-core machine: one
# gunicorn worker, one schemathesis worker, a bounded number of examples.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  exec scripts/with-postgres.sh "$0" "$@"
fi
EXAMPLES=${EXAMPLES:-5}
PHASES=${PHASES:-examples,coverage,fuzzing,stateful}
ROLES=${ROLES:-"partner front_door worker manager panel_member analyst admin"}
OUT=${OUT:-var/api-fuzz}
mkdir -p "$OUT"
PY=.venv/bin/python
export PYTHONPATH=src DJANGO_SETTINGS_MODULE=earlyhelp.settings.production
export EARLYHELP_SECRET_KEY=${EARLYHELP_SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')}
export EARLYHELP_ALLOWED_HOSTS=127.0.0.1 EARLYHELP_LOG_LEVEL=ERROR EARLYHELP_ACCESS_LOG=false

$PY -m django collectstatic --no-input -v 0
$PY -m django migrate --no-input -v 0
$PY -m django spectacular --format openapi-json --file "$OUT/schema.json" 2>/dev/null
$PY scripts/api_fuzz_seed.py > "$OUT/sessions.json"

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
.venv/bin/gunicorn earlyhelp.wsgi:application --bind "127.0.0.1:$PORT" --workers 1 --threads 2 \
  --timeout 60 --log-level warning > "$OUT/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" || true)
  [ "$code" != "000" ] && break
  sleep 1
done

status=0
for role in $ROLES; do
  read -r SESSION CSRF < <($PY -c "import json,sys; s=json.load(open('$OUT/sessions.json'))['$role']; print(s['sessionid'], s['csrftoken'])")
  start=$(date +%s)
  if SCHEMATHESIS_HOOKS=api_fuzz_hooks PYTHONPATH=scripts:src \
      .venv/bin/st --config-file scripts/api-fuzz.toml run "$OUT/schema.json" \
      --url "http://127.0.0.1:$PORT" \
      --checks all --exclude-checks positive_data_acceptance \
      --phases "$PHASES" \
      --max-examples "$EXAMPLES" --seed 11 --workers 1 --no-color \
      -H "Cookie: sessionid=$SESSION; csrftoken=$CSRF" -H "X-CSRFToken: $CSRF" \
      -H "X-Forwarded-Proto: https" -H "Referer: https://127.0.0.1:$PORT/" \
      --report junit --report-junit-path "$OUT/$role.xml" > "$OUT/$role.txt" 2>&1; then
    result=passed
  else
    result=FAILED; status=1
  fi
  echo "$role: $result in $(( $(date +%s) - start )) s – $(grep -E '^  Tested: ' "$OUT/$role.txt" | xargs) operations; $(grep -A1 '^Test cases:' "$OUT/$role.txt" | tail -n 1 | xargs)"
done
exit $status
