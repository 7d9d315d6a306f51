#!/usr/bin/env bash
# step.sh "What it does" COMMAND...: run one setup step quietly and say how long it took
# (wall-clock seconds, and the CPU seconds it used: on a busy machine the two differ).
# The command's output goes to var/log/setup.log; on failure its last lines are shown.
set -uo pipefail
label=$1; shift
log=${STEP_LOG:-var/log/setup.log}
mkdir -p "$(dirname "$log")"
printf '  %-44s' "$label"
echo "== $(date -u +%FT%TZ) $label: $*" >>"$log"
TIMEFORMAT='%R %U %S'
timing=$( { time "$@" >>"$log" 2>&1; } 2>&1 )
status=$?
read -r wall user sys <<<"$timing"
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
if [ $status -ne 0 ]; then
  printf 'FAILED after %s s\n\n' "$wall"
  tail -n 30 "$log" | sed 's/^/    /'
  printf '\n  The whole log is %s\n' "$log"
  exit $status
fi
printf '%6.1f s  (cpu %s s)\n' "$wall" "$cpu"
