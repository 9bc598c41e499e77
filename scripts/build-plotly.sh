#!/usr/bin/env bash
# Rebuilds static/js/plotly.min.js, plotly.js's partial bundle of only the traces the portal
# draws (scripts/plotly/entry.js), from the versions pinned in scripts/plotly/package-lock.json.
# Needs node and npm; node_modules stays in a temporary folder, outside the repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root"/scripts/plotly/{package.json,package-lock.json,entry.js} "$work"/
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
version="$(node -p 'require("plotly.js/package.json").version')"
# CSS imports are emptied: the only one reachable is maplibre's, required when a map trace is
# registered (never here), and an inlined <style> would break the Content-Security-Policy.
# define global/define.amd as plotly.js's own esbuild-config.js does.
npx --no-install esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --target=es2016 --define:global=window --define:define.amd=false --loader:.css=empty \
  --legal-comments=none --log-level=warning \
  --banner:js="/* plotly.js v$version (MIT, Plotly, Inc.), partial bundle: bar, pie, scatter, sunburst, treemap; built by scripts/build-plotly.sh */" \
  --outfile="$root/static/js/plotly.min.js"
ls -l "$root/static/js/plotly.min.js"
