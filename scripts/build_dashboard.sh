#!/usr/bin/env bash
# Chart.js and the Sarabun font for the console's dashboard page, from npm (web-dashboard/package-lock.json),
# copied into app/console/static/dashboard/vendor/ (never committed). Called by
# scripts/build_web.sh, so `make run` and `make test` get it; cheap when up to date.
# Nothing comes from a CDN: the page loads only its own files.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/web-dashboard"
vendor="$root/app/console/static/dashboard/vendor"

command -v npm >/dev/null || { echo "build_dashboard: npm is required" >&2; exit 1; }

lock_hash=$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ -f "$vendor/chart.umd.min.js" ] && [ "$(cat "$vendor/.lock-hash" 2>/dev/null)" = "$lock_hash" ]; then
  echo "build_dashboard: chart library is up to date"
  exit 0
fi
echo "build_dashboard: installing chart.js from package-lock.json"
# No install scripts: Chart.js needs none.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
mkdir -p "$vendor"
# The UMD build is self-contained (its colour helper bundled in) and defines window.Chart.
cp node_modules/chart.js/dist/chart.umd.min.js "$vendor/chart.umd.min.js"
cp node_modules/chart.js/LICENSE.md "$vendor/chart.js-LICENSE.md"
# Sarabun, as the chat page and the console use: Thai glyphs without a system font.
for weight in 400 600; do
  for subset in thai latin; do
    cp "node_modules/@fontsource/sarabun/files/sarabun-$subset-$weight-normal.woff2" "$vendor/"
  done
done
cp node_modules/@fontsource/sarabun/LICENSE "$vendor/sarabun-OFL.txt"
echo "$lock_hash" > "$vendor/.lock-hash"
