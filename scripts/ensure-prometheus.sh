#!/bin/sh
# Makes sure Prometheus and promtool are installed, for the tests that check the shipped configuration
# and alert rules (deploy/prometheus/) and scrape a running server with their own throwaway Prometheus
# on loopback. Installs Debian's prometheus when missing and we are root; never uses a system-wide one.
set -eu

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "ensure-prometheus: found prometheus, promtool"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-prometheus: missing prometheus or promtool; install as root:" >&2
  echo "  apt-get update && apt-get install -y prometheus" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y prometheus
# Debian's package starts a Prometheus service of its own on :9090; the tests never use it.
echo "ensure-prometheus: installed"
promtool --version | head -n 1
