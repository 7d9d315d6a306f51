#!/usr/bin/env bash
# Run every benchmark in bench/ (each prints its figures and writes bench/results/<name>.json).
# The 300,000-child borough is generated first when it is missing (or always with FRESH=1).
# Every benchmark runs even when one misses its target; the script then exits 1 naming them.
set -euo pipefail
cd "$(dirname "$0")/.."
failed=()
export PYTHONPATH=src:.
if [ "${FRESH:-0}" = 1 ] || [ ! -f var/bench/borough.sqlite3 ]; then
  echo "== bench/bench_generate.py"
  .venv/bin/python bench/bench_generate.py || failed+=(bench/bench_generate.py)
fi
for script in bench/bench_*.py bench/*/bench_*.py; do
  [ -f "$script" ] || continue
  [ "$script" = bench/bench_generate.py ] && continue
  echo "== $script"
  .venv/bin/python "$script" || failed+=("$script")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "Missed targets (see MISSED TARGET lines above): ${failed[*]}" >&2
  exit 1
fi
echo "Every benchmark met its targets."
