#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium for the web UI's browser tests and render bench.
# Installs it from the Debian archive when missing and we are root; never downloads a browser elsewhere.
set -eu

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing; install it as root: apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
