#!/bin/sh
# Makes sure the servers the cluster needs (etcd and etcdctl, nats-server, haproxy) are installed, for the
# cluster tests and `bourse cluster up`, which start their own throwaway instances on loopback. Installs the
# Debian packages when one is missing and we are root; never starts or configures a system-wide server.
set -eu

missing=""
command -v etcd >/dev/null 2>&1 || missing="$missing etcd-server"
command -v etcdctl >/dev/null 2>&1 || missing="$missing etcd-client"
# nats-server and haproxy live in /usr/sbin, which a non-root PATH may lack.
[ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null 2>&1 || missing="$missing nats-server"
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || missing="$missing haproxy"

if [ -z "$missing" ]; then
  echo "ensure-cluster-tools: found etcd, etcdctl, nats-server, haproxy"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-cluster-tools: missing$missing; install as root:" >&2
  echo "  apt-get update && apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # the list is word-split on purpose
apt-get install -y $missing
# Debian's packages may start system services of their own; the tests and `bourse cluster up` never use them.
echo "ensure-cluster-tools: installed$missing"
etcd --version | head -n 1
