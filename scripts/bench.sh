#!/usr/bin/env bash
# Run every benchmark in bench/ (each prints its figures and writes bench/results/<name>.json).
# The 300,000-child borough is generated first when it is missing (or always with FRESH=1).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=src:.
if [ "${FRESH:-0}" = 1 ] || [ ! -f var/bench/borough.sqlite3 ]; then
  echo "== bench/bench_generate.py"
  .venv/bin/python bench/bench_generate.py
fi
for script in bench/bench_*.py bench/*/bench_*.py; do
  [ -f "$script" ] || continue
  [ "$script" = bench/bench_generate.py ] && continue
  echo "== $script"
  .venv/bin/python "$script"
done
