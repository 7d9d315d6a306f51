#!/usr/bin/env bash
# Run every benchmark in bench/ (each prints its figures and writes bench/results/<name>.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=src:.
for script in bench/bench_*.py bench/*/bench_*.py; do
  [ -f "$script" ] || continue
  echo "== $script"
  .venv/bin/python "$script"
done
