#!/bin/sh
# Makes sure a PostgreSQL server (initdb, pg_ctl) is installed for the read models' PostgreSQL tests,
# which start their own throwaway server. Installs Debian's postgresql when missing and we are root;
# never starts or configures a system-wide server.
set -eu

found() {
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

if dir=$(found); then
  echo "ensure-postgres: found $dir/initdb"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-postgres: no initdb under /usr/lib/postgresql/*/bin; install it as root:" >&2
  echo "  apt-get update && apt-get install -y postgresql" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y postgresql
# Debian's package starts a cluster of its own; the tests never use it.
dir=$(found)
echo "ensure-postgres: installed $dir/initdb"
"$dir/initdb" --version
