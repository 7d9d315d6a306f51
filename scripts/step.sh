#!/usr/bin/env bash
# step.sh "What it does" COMMAND...: run one setup step quietly and say how long it took.
# The command's output goes to var/log/setup.log; on failure its last lines are shown.
set -uo pipefail
label=$1; shift
log=${STEP_LOG:-var/log/setup.log}
mkdir -p "$(dirname "$log")"
printf '  %-44s' "$label"
echo "== $(date -u +%FT%TZ) $label: $*" >>"$log"
start=$(date +%s.%N)
"$@" >>"$log" 2>&1
status=$?
seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
if [ $status -ne 0 ]; then
  printf 'FAILED after %s s\n\n' "$seconds"
  tail -n 30 "$log" | sed 's/^/    /'
  printf '\n  The whole log is %s\n' "$log"
  exit $status
fi
printf '%6s s\n' "$seconds"
