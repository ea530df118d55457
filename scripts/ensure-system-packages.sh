#!/usr/bin/env bash
# Install the Debian packages careprint's scripts and tests use, when missing:
# poppler-utils (pdftoppm, for page images), chromium (browser tests, benchmark peer) and
# unzip (tests read the release zip with it).
set -euo pipefail
need=()
for pair in "pdftoppm:poppler-utils" "chromium:chromium" "unzip:unzip"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
