#!/usr/bin/env bash
# Copy the compiled front-end assets from node_modules into var/frontend (served by WhiteNoise).
# The minified CSS and JS end with a sourceMappingURL comment, so their .map files come too:
# collectstatic's manifest storage follows that reference and fails when the map is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
dist=node_modules/govuk-frontend/dist/govuk
out=var/frontend
rm -rf "$out" && mkdir -p "$out/govuk"
sed "s|url(/assets/|url(assets/|g" "$dist/govuk-frontend.min.css" > "$out/govuk/govuk-frontend.min.css"
cp "$dist/govuk-frontend.min.css.map" "$dist/govuk-frontend.min.js" "$dist/govuk-frontend.min.js.map" "$out/govuk/"
cp -r "$dist/assets" "$out/govuk/assets"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx.min.js"
