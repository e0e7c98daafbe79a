#!/usr/bin/env bash
# Build the web chat page (web/ -> web/dist) when it is missing or stale.
# Called by `make test` (scripts/test.sh) and `make run`; cheap when nothing changed.
# Everything comes from the npm registry at build time (package-lock.json);
# web/dist and web/node_modules are never committed.
set -euo pipefail
# The console dashboard's chart library (its own npm project, web-dashboard/).
bash "$(dirname "$0")/build_dashboard.sh"
# The console's preview: the chat page's card modules and rules (no npm needed).
bash "$(dirname "$0")/build_console_chat.sh"
cd "$(dirname "$0")/../web"

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "build_web: node and npm are required (Node.js >= 20.19; vite 7)" >&2; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || {
  echo "build_web: Node.js >= 20.19 is required, found $(node --version)" >&2; exit 1; }

hash_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

lock_hash=$(hash_of package.json package-lock.json)
if [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "build_web: installing npm packages from package-lock.json"
  # No install scripts: nothing the build needs runs one (esbuild's binary is a
  # platform package), and none gets to run code at install time.
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$lock_hash" > node_modules/.lock-hash
fi

inputs=(package.json package-lock.json vite.config.js index.html)
while IFS= read -r -d '' file; do inputs+=("$file"); done \
  < <(find src public -type f -print0 | sort -z)
build_hash=$(hash_of "${inputs[@]}")
if [ -f dist/index.html ] && [ "$(cat dist/.build-hash 2>/dev/null)" = "$build_hash" ]; then
  echo "build_web: web/dist is up to date"
  exit 0
fi
echo "build_web: building web/dist"
npx --no-install vite build --logLevel warn
echo "$build_hash" > dist/.build-hash
