#!/usr/bin/env bash
# Copy the compiled front-end assets from node_modules into var/frontend (served by WhiteNoise).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
out=var/frontend
rm -rf "$out" && mkdir -p "$out/govuk"
sed "s|url(/assets/|url(assets/|g" node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > "$out/govuk/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk/"
cp -r node_modules/govuk-frontend/dist/govuk/assets "$out/govuk/assets"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx.min.js"
