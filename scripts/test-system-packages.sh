#!/usr/bin/env bash
# Debian packages the tests use: Chromium for the browser tests (Playwright), a CJK font and
# LibreOffice to render the test documents. Installed only where missing, so `make test` works
# on a fresh machine; needs root or sudo the first time.
set -euo pipefail
need=()
for pkg in chromium fonts-wqy-microhei libreoffice-writer-nogui; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
